"""Read scaling on PostgreSQL: which alias the router sends each query to.

The stand-in replica (`replica`, config/settings/test.py) is a second connection to the same test
database, so every test here commits (`transaction=True`) and the replica sees the rows; what is
asserted is which connection served each query, captured on each connection separately.
"""

import pytest
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext

from core.db_router import PIN_COOKIE, routing_scope
from projects.models import Office

from .conftest import client_for
from .factories import OfficeFactory

pytestmark = [
    pytest.mark.skipif(
        connections["default"].vendor != "postgresql", reason="the stand-in replica exists on PostgreSQL only"
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture(autouse=True)
def replica_routing(settings):
    settings.DATABASE_REPLICAS = ["replica"]
    settings.DATABASE_ROUTERS = ["core.db_router.PrimaryReplicaRouter"]
    settings.DATABASE_REPLICA_PIN_SECONDS = 5


class Captured:
    """The queries each alias served inside the block."""

    def __enter__(self):
        self.contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in ("default", "replica")}
        for context in self.contexts.values():
            context.__enter__()
        return self

    def __exit__(self, *exc_info):
        for context in self.contexts.values():
            context.__exit__(*exc_info)

    def on(self, alias: str) -> list[str]:
        return [query["sql"] for query in self.contexts[alias].captured_queries]

    def reads_on(self, alias: str) -> list[str]:
        """The queries on `alias` apart from the token lookup, which accounts.authentication sends to the
        primary on purpose (a revoked token must stop working at once)."""
        return [sql for sql in self.on(alias) if '"authtoken_token"' not in sql]


@pytest.fixture
def office():
    with routing_scope():
        return OfficeFactory(code="flood", name="防洪指挥部")


def test_reads_go_to_the_replica(office):
    with routing_scope(), Captured() as captured:
        assert list(Office.objects.values_list("code", flat=True)) == ["flood"]
        assert Office.objects.count() == 1
    assert len(captured.on("replica")) == 2
    assert captured.on("default") == []


def test_writes_go_to_the_primary_and_so_do_the_reads_after_them(office):
    with routing_scope(), Captured() as captured:
        Office.objects.create(code="roads", name="交通指挥部")
        assert Office.objects.filter(code="roads").exists()
    assert captured.on("replica") == []
    assert any(sql.startswith("INSERT") for sql in captured.on("default"))
    assert any(sql.startswith("SELECT") for sql in captured.on("default"))


def test_reads_inside_a_transaction_stay_on_the_primary(office):
    with routing_scope(), Captured() as captured:
        with transaction.atomic():
            assert Office.objects.get(code="flood").name == "防洪指挥部"
        assert Office.objects.count() == 1  # after the block, back on the replica
    assert [sql for sql in captured.on("default") if sql.startswith("SELECT")], "the read in the transaction"
    assert len(captured.on("replica")) == 1


def test_migrations_and_relations():
    assert router.allow_migrate("default", "projects")
    assert not router.allow_migrate("replica", "projects")
    with routing_scope():
        replica_office = Office.objects.using("replica").get(pk=OfficeFactory().pk)
    primary_office = Office.objects.using("default").get(pk=replica_office.pk)
    assert router.allow_relation(replica_office, primary_office)


def test_a_request_reads_its_own_write_and_its_client_stays_on_the_primary_for_a_while(admin_user, office):
    client = client_for(admin_user)

    with Captured() as captured:
        response = client.get("/api/v1/offices/")
    assert response.status_code == 200
    assert captured.reads_on("default") == [], "a plain read is served by the replica"
    assert captured.on("replica")
    assert PIN_COOKIE not in response.cookies

    with Captured() as captured:
        response = client.post("/api/v1/offices/", {"code": "roads", "name": "交通指挥部"})
    assert response.status_code == 201, response.content
    assert response.json()["project_count"] == 0  # read back after the write, in the same request
    assert captured.on("replica") == [], "a write request reads only from the primary"
    assert any(sql.startswith("INSERT") for sql in captured.on("default"))
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 5
    assert cookie["httponly"]

    # The same client's next read (it sends the cookie back) comes from the primary: it sees its write.
    with Captured() as captured:
        response = client.get(f"/api/v1/offices/{response.json()['id']}/")
    assert response.status_code == 200
    assert response.json()["code"] == "roads"
    assert captured.on("replica") == []
    assert captured.on("default")
    assert PIN_COOKIE not in response.cookies, "only a write renews the cookie"

    # Once the cookie has expired, reads return to the replica.
    client.cookies.pop(PIN_COOKIE)
    with Captured() as captured:
        assert client.get("/api/v1/offices/").status_code == 200
    assert captured.reads_on("default") == []
    assert captured.on("replica")


def test_without_replicas_everything_runs_on_default(settings, admin_user, office):
    settings.DATABASE_REPLICAS = []
    settings.DATABASE_ROUTERS = []
    with Captured() as captured:
        response = client_for(admin_user).get("/api/v1/offices/")
    assert response.status_code == 200
    assert captured.on("replica") == []
    assert captured.on("default")
    assert PIN_COOKIE not in response.cookies
