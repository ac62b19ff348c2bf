"""the shared record

Revision ID: 0001
Revises:
Create Date: 2026-11-22 08:27:18.885972
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_journal",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("change_id", sa.String(length=36), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("pushed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_change_journal")),
        sa.UniqueConstraint("change_id", name=op.f("uq_change_journal_change_id")),
    )
    with op.batch_alter_table("change_journal", schema=None) as batch_op:
        batch_op.create_index("ix_change_journal_entity", ["entity", "entity_id"], unique=False)
        batch_op.create_index("ix_change_journal_hlc", ["hlc", "device_id"], unique=False)
        batch_op.create_index("ix_change_journal_unpushed", ["pushed_at"], unique=False)

    op.create_table(
        "locality",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("postcode_districts", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locality")),
        sa.UniqueConstraint("name", name=op.f("uq_locality_name")),
    )
    op.create_table(
        "organisation",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("ods_code", sa.String(length=10), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("out_of_hours_phone", sa.String(length=40), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_ods_code"), ["ods_code"], unique=False)

    op.create_table(
        "profile_setting",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_profile_setting")),
    )
    op.create_table(
        "team",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("locality_id", sa.String(length=36), nullable=True),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["locality_id"], ["locality.id"], name=op.f("fk_team_locality_id_locality")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_team_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
    )
    op.create_table(
        "staff_member",
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("job_title", sa.String(length=120), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_staff_member_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_staff_member_team_id_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_member")),
    )
    op.create_table(
        "person",
        sa.Column("nhs_number", sa.String(length=10), nullable=True),
        sa.Column("nhs_number_status", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=20), nullable=True),
        sa.Column("given_name", sa.String(length=120), nullable=False),
        sa.Column("family_name", sa.String(length=120), nullable=False),
        sa.Column("preferred_name", sa.String(length=120), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=20), nullable=True),
        sa.Column("gender", sa.String(length=40), nullable=True),
        sa.Column("address_line1", sa.String(length=200), nullable=False),
        sa.Column("address_line2", sa.String(length=200), nullable=True),
        sa.Column("town", sa.String(length=120), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("gp_practice_id", sa.String(length=36), nullable=True),
        sa.Column("gp_name", sa.String(length=120), nullable=True),
        sa.Column("interpreter_needed", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=60), nullable=False),
        sa.Column("large_print", sa.Boolean(), nullable=False),
        sa.Column("communication_needs", sa.Text(), nullable=True),
        sa.Column("locality_id", sa.String(length=36), nullable=True),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column("level_of_need", sa.String(length=20), nullable=False),
        sa.Column("life_stage", sa.String(length=20), nullable=False),
        sa.Column("lead_professional_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("date_of_death", sa.Date(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "nhs_number IS NULL OR (length(nhs_number) = 10 AND nhs_number NOT GLOB '*[^0-9]*')",
            name=op.f("ck_person_nhs_number_digits"),
        ),
        sa.CheckConstraint("length(family_name) > 0", name=op.f("ck_person_family_name_present")),
        sa.ForeignKeyConstraint(
            ["gp_practice_id"],
            ["organisation.id"],
            name=op.f("fk_person_gp_practice_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_professional_id"],
            ["staff_member.id"],
            name=op.f("fk_person_lead_professional_id_staff_member"),
        ),
        sa.ForeignKeyConstraint(
            ["locality_id"], ["locality.id"], name=op.f("fk_person_locality_id_locality")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_person_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("nhs_number", name=op.f("uq_person_nhs_number")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_lead_professional_id"), ["lead_professional_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_person_level_of_need"), ["level_of_need"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_person_locality_id"), ["locality_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_postcode"), ["postcode"], unique=False)
        batch_op.create_index("ix_person_sort_name", ["family_name", "given_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_team_id"), ["team_id"], unique=False)

    op.create_table(
        "about_me",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("most_important", sa.Text(), nullable=False),
        sa.Column("important_people", sa.Text(), nullable=False),
        sa.Column("how_i_communicate", sa.Text(), nullable=False),
        sa.Column("my_wellness", sa.Text(), nullable=False),
        sa.Column("please_do_and_dont", sa.Text(), nullable=False),
        sa.Column("how_and_when_to_support_me", sa.Text(), nullable=False),
        sa.Column("also_worth_knowing", sa.Text(), nullable=False),
        sa.Column("supported_to_write_by", sa.String(length=200), nullable=True),
        sa.Column("last_updated", sa.Date(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_about_me_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_about_me")),
        sa.UniqueConstraint("person_id", name=op.f("uq_about_me_person_id")),
    )
    op.create_table(
        "alert",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("restricted_detail", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_alert_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_person_id"), ["person_id"], unique=False)

    op.create_table(
        "assessment",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("assessment_type", sa.String(length=120), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("score", sa.String(length=40), nullable=True),
        sa.Column("performed_by_id", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["performed_by_id"],
            ["staff_member.id"],
            name=op.f("fk_assessment_performed_by_id_staff_member"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_assessment_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_person_id"), ["person_id"], unique=False)

    op.create_table(
        "care_plan",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        sa.Column("agreed_with_name", sa.String(length=200), nullable=True),
        sa.Column("agreed_with_role", sa.String(length=60), nullable=True),
        sa.Column("review_due", sa.Date(), nullable=True),
        sa.Column("review_owner_id", sa.String(length=36), nullable=True),
        sa.Column("funding_source", sa.String(length=120), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_care_plan_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["review_owner_id"],
            ["staff_member.id"],
            name=op.f("fk_care_plan_review_owner_id_staff_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_plan")),
        sa.UniqueConstraint("person_id", name=op.f("uq_care_plan_person_id")),
    )
    with op.batch_alter_table("care_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_plan_review_due"), ["review_due"], unique=False)

    op.create_table(
        "consent_to_share",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("partner_organisation_id", sa.String(length=36), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("given_by", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("reason_refused", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "decision != 'refused' OR length(coalesce(reason_refused, '')) > 0",
            name=op.f("ck_consent_to_share_refusal_has_reason"),
        ),
        sa.CheckConstraint(
            "decision IN ('given', 'refused', 'withdrawn')",
            name=op.f("ck_consent_to_share_decision_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_consent_to_share_partner_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_consent_to_share_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_to_share")),
    )
    with op.batch_alter_table("consent_to_share", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_to_share_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "contact_note",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("contact_type", sa.String(length=40), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("location", sa.String(length=120), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.Column("author_role", sa.String(length=40), nullable=True),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("linked_goal_ids", sa.Text(), nullable=False),
        sa.Column("amends_id", sa.String(length=36), nullable=True),
        sa.Column("sensitive", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["amends_id"], ["contact_note.id"], name=op.f("fk_contact_note_amends_id_contact_note")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff_member.id"], name=op.f("fk_contact_note_author_id_staff_member")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_contact_note_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_contact_note_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_note")),
    )
    with op.batch_alter_table("contact_note", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contact_note_timeline", ["person_id", "occurred_at"], unique=False
        )

    op.create_table(
        "contingency_plan",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("trigger", sa.Text(), nullable=False),
        sa.Column("what_should_happen", sa.Text(), nullable=False),
        sa.Column("who_to_contact", sa.Text(), nullable=False),
        sa.Column("early_warning_signs", sa.Text(), nullable=True),
        sa.Column("anticipatory_medicines_equipment", sa.Text(), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_contingency_plan_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contingency_plan")),
    )
    with op.batch_alter_table("contingency_plan", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contingency_plan_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "mental_capacity_assessment",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("assessed_by_id", sa.String(length=36), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("document_location", sa.String(length=200), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"],
            ["staff_member.id"],
            name=op.f("fk_mental_capacity_assessment_assessed_by_id_staff_member"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_mental_capacity_assessment_person_id_person"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mental_capacity_assessment")),
    )
    with op.batch_alter_table("mental_capacity_assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mental_capacity_assessment_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "need",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("care_act_outcome", sa.String(length=60), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_need_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need")),
    )
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_person_id"), ["person_id"], unique=False)

    op.create_table(
        "personal_contact",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("relationship", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("is_main_carer", sa.Boolean(), nullable=False),
        sa.Column("carers_assessment", sa.String(length=20), nullable=True),
        sa.Column("carers_assessment_date", sa.Date(), nullable=True),
        sa.Column("is_key_holder", sa.Boolean(), nullable=False),
        sa.Column("lasting_power_of_attorney", sa.String(length=30), nullable=True),
        sa.Column("is_emergency_contact", sa.Boolean(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_personal_contact_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_contact")),
    )
    with op.batch_alter_table("personal_contact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_personal_contact_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "professional_contact",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("staff_member_id", sa.String(length=36), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("contact_details", sa.String(length=200), nullable=True),
        sa.Column("is_key_worker", sa.Boolean(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_professional_contact_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_professional_contact_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["staff_member_id"],
            ["staff_member.id"],
            name=op.f("fk_professional_contact_staff_member_id_staff_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_professional_contact")),
    )
    with op.batch_alter_table("professional_contact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_professional_contact_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "risk",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("mitigation", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.CheckConstraint("impact BETWEEN 1 AND 5", name=op.f("ck_risk_impact_range")),
        sa.CheckConstraint("likelihood BETWEEN 1 AND 5", name=op.f("ck_risk_likelihood_range")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["staff_member.id"], name=op.f("fk_risk_owner_id_staff_member")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_risk_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk")),
    )
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_person_id"), ["person_id"], unique=False)

    op.create_table(
        "strength",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_strength_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strength")),
    )
    with op.batch_alter_table("strength", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_strength_person_id"), ["person_id"], unique=False)

    op.create_table(
        "care_plan_version",
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=False),
        sa.Column("agreed_with_name", sa.String(length=200), nullable=False),
        sa.Column("agreed_with_role", sa.String(length=60), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_care_plan_version_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["care_plan.id"], name=op.f("fk_care_plan_version_plan_id_care_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_plan_version")),
    )
    with op.batch_alter_table("care_plan_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_care_plan_version_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_care_plan_version_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "goal",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("need_id", sa.String(length=36), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("importance", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.CheckConstraint("importance BETWEEN 1 AND 10", name=op.f("ck_goal_importance_range")),
        sa.ForeignKeyConstraint(["need_id"], ["need.id"], name=op.f("fk_goal_need_id_need")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_goal_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal")),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_person_id"), ["person_id"], unique=False)

    op.create_table(
        "planned_visit",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("assigned_to_id", sa.String(length=36), nullable=True),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done_note_id", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_to_id"],
            ["staff_member.id"],
            name=op.f("fk_planned_visit_assigned_to_id_staff_member"),
        ),
        sa.ForeignKeyConstraint(
            ["done_note_id"],
            ["contact_note.id"],
            name=op.f("fk_planned_visit_done_note_id_contact_note"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_planned_visit_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_visit")),
    )
    with op.batch_alter_table("planned_visit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_planned_visit_assigned_to_id"), ["assigned_to_id"], unique=False
        )
        batch_op.create_index("ix_planned_visit_due", ["due_at", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_planned_visit_person_id"), ["person_id"], unique=False)

    op.create_table(
        "plan_action",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("goal_id", sa.String(length=36), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("who_name", sa.String(length=200), nullable=False),
        sa.Column("who_role", sa.String(length=120), nullable=True),
        sa.Column("who_organisation_id", sa.String(length=36), nullable=True),
        sa.Column("who_contact", sa.String(length=200), nullable=True),
        sa.Column("timing", sa.String(length=120), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.Column("strategies", sa.Text(), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("last_updated", sa.DateTime(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("recorded_org", sa.String(length=36), nullable=True),
        sa.Column("recorded_device", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "confidence IS NULL OR confidence BETWEEN 1 AND 10",
            name=op.f("ck_plan_action_confidence_range"),
        ),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name=op.f("fk_plan_action_goal_id_goal")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_plan_action_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["who_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_plan_action_who_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_action")),
    )
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_action_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_action_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_action_person_id"))
        batch_op.drop_index(batch_op.f("ix_plan_action_goal_id"))

    op.drop_table("plan_action")
    with op.batch_alter_table("planned_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planned_visit_person_id"))
        batch_op.drop_index("ix_planned_visit_due")
        batch_op.drop_index(batch_op.f("ix_planned_visit_assigned_to_id"))

    op.drop_table("planned_visit")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_person_id"))

    op.drop_table("goal")
    with op.batch_alter_table("care_plan_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_plan_version_plan_id"))
        batch_op.drop_index(batch_op.f("ix_care_plan_version_person_id"))

    op.drop_table("care_plan_version")
    with op.batch_alter_table("strength", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strength_person_id"))

    op.drop_table("strength")
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_person_id"))

    op.drop_table("risk")
    with op.batch_alter_table("professional_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_professional_contact_person_id"))

    op.drop_table("professional_contact")
    with op.batch_alter_table("personal_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personal_contact_person_id"))

    op.drop_table("personal_contact")
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_person_id"))

    op.drop_table("need")
    with op.batch_alter_table("mental_capacity_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mental_capacity_assessment_person_id"))

    op.drop_table("mental_capacity_assessment")
    with op.batch_alter_table("contingency_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contingency_plan_person_id"))

    op.drop_table("contingency_plan")
    with op.batch_alter_table("contact_note", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_note_timeline")

    op.drop_table("contact_note")
    with op.batch_alter_table("consent_to_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_to_share_person_id"))

    op.drop_table("consent_to_share")
    with op.batch_alter_table("care_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_plan_review_due"))

    op.drop_table("care_plan")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_person_id"))

    op.drop_table("assessment")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_person_id"))

    op.drop_table("alert")
    op.drop_table("about_me")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_team_id"))
        batch_op.drop_index("ix_person_sort_name")
        batch_op.drop_index(batch_op.f("ix_person_postcode"))
        batch_op.drop_index(batch_op.f("ix_person_locality_id"))
        batch_op.drop_index(batch_op.f("ix_person_level_of_need"))
        batch_op.drop_index(batch_op.f("ix_person_lead_professional_id"))

    op.drop_table("person")
    op.drop_table("staff_member")
    op.drop_table("team")
    op.drop_table("profile_setting")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_ods_code"))

    op.drop_table("organisation")
    op.drop_table("locality")
    with op.batch_alter_table("change_journal", schema=None) as batch_op:
        batch_op.drop_index("ix_change_journal_unpushed")
        batch_op.drop_index("ix_change_journal_hlc")
        batch_op.drop_index("ix_change_journal_entity")

    op.drop_table("change_journal")
