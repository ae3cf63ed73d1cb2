"""Signals the projects app sends so that other apps can react without being imported here."""

from django.dispatch import Signal

# Sent at the end of `Project.save`, inside its transaction, once the tree's closure table is in step.
# Arguments: `project`, and `previous_parent_id` (the parent before the save; equal to the current one
# unless the project moved).
project_saved = Signal()
