// A small Shuitou Tracker client typed from the API's OpenAPI schema (schema.d.ts, made by
// openapi-typescript from `manage.py spectacular`): it logs in, lists the overdue milestones and
// posts a progress report. `make client-check` regenerates the types and type-checks this file, so a
// change of the API that breaks a client breaks CI first. Conventions: docs/clients.md.
import type { components, operations } from "./schema";

type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];
export type Milestone = Schemas["Milestone"];
export type OverdueReport = Schemas["OverdueReport"];
export type ProgressReport = Schemas["ProgressReport"];
export type ProgressReportRequest = Schemas["ProgressReportRequest"];
export type MilestoneQuery = NonNullable<operations["milestones_list"]["parameters"]["query"]>;
export type OverdueQuery = NonNullable<operations["reports_overdue_retrieve"]["parameters"]["query"]>;
type MilestonePage = operations["milestones_list"]["responses"][200]["content"]["application/json"];
type Query = Record<string, string | number | boolean | readonly (string | number)[] | undefined>;

/** Any 4xx or 5xx: the API's problem details (`application/problem+json`). */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
  }

  /** "field: message" for each invalid field of a 400, e.g. `work_items[2].completed_quantity`. */
  get fieldErrors(): string[] {
    return (this.problem.errors ?? []).map((error) => `${error.field ?? "(request)"}: ${error.message}`);
  }
}

export class ShuitouClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly language: "zh-hans" | "en" = "zh-hans",
  ) {}

  /** `POST auth/token/`: a client for the user, or an ApiError (400 wrong login, 429 locked out). */
  static async login(baseUrl: string, username: string, password: string): Promise<ShuitouClient> {
    const anonymous = new ShuitouClient(baseUrl, "");
    const { token } = await anonymous.request<Schemas["Token"]>("POST", "/api/v1/auth/token/", {
      body: { username, password } satisfies Schemas["LoginRequest"],
    });
    return new ShuitouClient(baseUrl, token);
  }

  /** Every overdue milestone (`?overdue=true`), worst first, walking the pages by their `next` link. */
  async overdueMilestones(query: MilestoneQuery = {}): Promise<Milestone[]> {
    const milestones: Milestone[] = [];
    let page = await this.request<MilestonePage>("GET", "/api/v1/milestones/", {
      query: { ...query, overdue: true, ordering: "-days_overdue", limit: 500 },
    });
    milestones.push(...page.results);
    while (page.next) {
      page = await this.request<MilestonePage>("GET", page.next);
      milestones.push(...page.results);
    }
    return milestones;
  }

  /**
   * `GET reports/overdue/`: per office, counts and delays over all its overdue milestones, and its
   * `milestones_per_office` (default 5, at most 100) most overdue.
   */
  overdueReport(query: OverdueQuery = {}): Promise<OverdueReport> {
    return this.request<OverdueReport>("GET", "/api/v1/reports/overdue/", { query });
  }

  /**
   * `POST progress-reports/`: every change in one transaction, or none (a 400 names each bad field).
   * The Idempotency-Key makes a retry after a timeout safe: the server answers it with the first report.
   */
  postProgressReport(report: ProgressReportRequest, idempotencyKey: string = crypto.randomUUID()): Promise<ProgressReport> {
    return this.request<ProgressReport>("POST", "/api/v1/progress-reports/", {
      body: report,
      headers: { "Idempotency-Key": idempotencyKey },
    });
  }

  private async request<T>(
    method: "GET" | "POST",
    pathOrUrl: string,
    options: { query?: Query; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const url = new URL(pathOrUrl, this.baseUrl);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
        url.searchParams.append(name, String(item));
      }
    }
    const response = await fetch(url, {
      method,
      headers: {
        Accept: "application/json",
        "Accept-Language": this.language,
        ...(this.token ? { Authorization: `Token ${this.token}` } : {}),
        ...(options.body === undefined ? {} : { "Content-Type": "application/json" }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    if (!response.ok) {
      throw new ApiError((await response.json()) as Problem);
    }
    return (await response.json()) as T;
  }
}

/** What an office's app does once a month: see what is late, then report the month's figures. */
export async function example(baseUrl: string): Promise<void> {
  const client = await ShuitouClient.login(baseUrl, "demo-flood-control", "shuitou-editor");
  for (const milestone of await client.overdueMilestones()) {
    console.log(`${milestone.name}: ${milestone.days_overdue} days late (${milestone.state_label})`);
  }
  const report = {
    project: 2,
    reported_on: "2018-06-11",
    summary: "二标段堤防主体完成八成，中元村征地基本完成",
    work_items: [{ id: 5, completed_quantity: "1680.00" }],
    land_acquisitions: [{ id: 3, completed_area_mu: "59.00" }],
    demolitions: [{ id: 1, agreements_signed: 560, rooms_demolished: 350 }],
    clearance_items: [{ id: 4, completed: "110.00" }],
    milestones: [{ id: 7, actual_date: "2018-06-08" }],
    investment: { period: "2018-06-01", amount: "620.00" },
  } satisfies ProgressReportRequest;
  try {
    const saved = await client.postProgressReport(report);
    console.log(`report ${saved.id}: progress now ${saved.figures?.progress ?? "?"} %`);
  } catch (error) {
    if (error instanceof ApiError && error.problem.status === 400) {
      console.error(error.fieldErrors.join("\n"));
    } else {
      throw error;
    }
  }
}
