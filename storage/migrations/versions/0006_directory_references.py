"""directory references without foreign keys

Records name organisations, localities, teams and staff that come from partner
servers; a note may name a colleague whose directory entry has not arrived yet.
Those references become plain ids (see storage/tables/base.py).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 09:15:45.501290
"""

from __future__ import annotations

from alembic import op

from storage.migrations.summary_triggers import (
    backfill_statements,
    create_statements,
    drop_statements,
)

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in drop_statements():
        op.execute(statement)
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_assessment_performed_by_id_staff_member"), type_="foreignkey"
        )

    with op.batch_alter_table("care_plan", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_care_plan_review_owner_id_staff_member"), type_="foreignkey"
        )

    with op.batch_alter_table("consent_to_share", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_consent_to_share_partner_organisation_id_organisation"),
            type_="foreignkey",
        )

    with op.batch_alter_table("contact_note", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_contact_note_organisation_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_contact_note_author_id_staff_member"), type_="foreignkey"
        )

    with op.batch_alter_table("mental_capacity_assessment", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_mental_capacity_assessment_assessed_by_id_staff_member"),
            type_="foreignkey",
        )

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_person_gp_practice_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_person_team_id_team"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_person_lead_professional_id_staff_member"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_person_locality_id_locality"), type_="foreignkey")

    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_plan_action_who_organisation_id_organisation"), type_="foreignkey"
        )

    with op.batch_alter_table("planned_visit", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_planned_visit_assigned_to_id_staff_member"), type_="foreignkey"
        )

    with op.batch_alter_table("professional_contact", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_professional_contact_staff_member_id_staff_member"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_professional_contact_organisation_id_organisation"), type_="foreignkey"
        )

    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_risk_owner_id_staff_member"), type_="foreignkey")

    with op.batch_alter_table("staff_member", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_staff_member_organisation_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_staff_member_team_id_team"), type_="foreignkey")

    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_team_organisation_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_team_locality_id_locality"), type_="foreignkey")
    for statement in [*create_statements(), *backfill_statements()]:
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements():
        op.execute(statement)
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_team_locality_id_locality"), "locality", ["locality_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_team_organisation_id_organisation"),
            "organisation",
            ["organisation_id"],
            ["id"],
        )

    with op.batch_alter_table("staff_member", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_staff_member_team_id_team"), "team", ["team_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_staff_member_organisation_id_organisation"),
            "organisation",
            ["organisation_id"],
            ["id"],
        )

    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_risk_owner_id_staff_member"), "staff_member", ["owner_id"], ["id"]
        )

    with op.batch_alter_table("professional_contact", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_professional_contact_organisation_id_organisation"),
            "organisation",
            ["organisation_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_professional_contact_staff_member_id_staff_member"),
            "staff_member",
            ["staff_member_id"],
            ["id"],
        )

    with op.batch_alter_table("planned_visit", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_planned_visit_assigned_to_id_staff_member"),
            "staff_member",
            ["assigned_to_id"],
            ["id"],
        )

    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_action_who_organisation_id_organisation"),
            "organisation",
            ["who_organisation_id"],
            ["id"],
        )

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_person_locality_id_locality"), "locality", ["locality_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_person_lead_professional_id_staff_member"),
            "staff_member",
            ["lead_professional_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_person_team_id_team"), "team", ["team_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_person_gp_practice_id_organisation"),
            "organisation",
            ["gp_practice_id"],
            ["id"],
        )

    with op.batch_alter_table("mental_capacity_assessment", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_mental_capacity_assessment_assessed_by_id_staff_member"),
            "staff_member",
            ["assessed_by_id"],
            ["id"],
        )

    with op.batch_alter_table("contact_note", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_contact_note_author_id_staff_member"),
            "staff_member",
            ["author_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_contact_note_organisation_id_organisation"),
            "organisation",
            ["organisation_id"],
            ["id"],
        )

    with op.batch_alter_table("consent_to_share", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_consent_to_share_partner_organisation_id_organisation"),
            "organisation",
            ["partner_organisation_id"],
            ["id"],
        )

    with op.batch_alter_table("care_plan", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_care_plan_review_owner_id_staff_member"),
            "staff_member",
            ["review_owner_id"],
            ["id"],
        )

    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_assessment_performed_by_id_staff_member"),
            "staff_member",
            ["performed_by_id"],
            ["id"],
        )
    for statement in [*create_statements(), *backfill_statements()]:
        op.execute(statement)
