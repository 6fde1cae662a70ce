"""catalogue and directory

Revision ID: 0001
Revises:
Create Date: 2026-11-29 09:01:10.923549
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=36), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_state")),
    )
    op.create_table(
        "document_types",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_types")),
        sa.UniqueConstraint("key", name=op.f("uq_document_types_key")),
    )
    op.create_table(
        "locations",
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("location_type", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("organization_id", sa.String(length=36), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("map_x", sa.Integer(), nullable=True),
        sa.Column("map_y", sa.Integer(), nullable=True),
        sa.Column("map_width", sa.Integer(), nullable=True),
        sa.Column("map_height", sa.Integer(), nullable=True),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locations")),
        sa.UniqueConstraint("slug", name=op.f("uq_locations_slug")),
    )
    op.create_table(
        "taxonomies",
        sa.Column("uri", sa.String(length=500), nullable=True),
        sa.Column("version", sa.String(length=50), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomies")),
    )
    op.create_table(
        "document_type_texts",
        sa.Column("locale", sa.String(length=12), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["document_types.id"],
            name=op.f("fk_document_type_texts_owner_id_document_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("locale", "field", "owner_id", name=op.f("pk_document_type_texts")),
    )
    op.create_table(
        "location_texts",
        sa.Column("locale", sa.String(length=12), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["locations.id"],
            name=op.f("fk_location_texts_owner_id_locations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("locale", "field", "owner_id", name=op.f("pk_location_texts")),
    )
    op.create_table(
        "organizations",
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("hk_background", sa.Boolean(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("location_id", sa.String(length=36), nullable=True),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_organizations_location_id_locations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["organizations.id"],
            name=op.f("fk_organizations_parent_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("slug", name=op.f("uq_organizations_slug")),
    )
    with op.batch_alter_table("locations") as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_locations_organization_id_organizations"),
            "organizations",
            ["organization_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organizations_kind"), ["kind"], unique=False)

    op.create_table(
        "taxonomy_terms",
        sa.Column("code", sa.String(length=120), nullable=True),
        sa.Column("taxonomy_id", sa.String(length=36), nullable=True),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("term_uri", sa.String(length=500), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["taxonomy_terms.id"],
            name=op.f("fk_taxonomy_terms_parent_id_taxonomy_terms"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["taxonomy_id"],
            ["taxonomies.id"],
            name=op.f("fk_taxonomy_terms_taxonomy_id_taxonomies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy_terms")),
    )
    with op.batch_alter_table("taxonomy_terms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taxonomy_terms_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_taxonomy_terms_taxonomy_id"), ["taxonomy_id"], unique=False)

    op.create_table(
        "taxonomy_texts",
        sa.Column("locale", sa.String(length=12), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["taxonomies.id"],
            name=op.f("fk_taxonomy_texts_owner_id_taxonomies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("locale", "field", "owner_id", name=op.f("pk_taxonomy_texts")),
    )
    op.create_table(
        "attributes",
        sa.Column("link_entity", sa.String(length=32), nullable=False),
        sa.Column("link_id", sa.String(length=36), nullable=False),
        sa.Column("link_type", sa.String(length=64), nullable=True),
        sa.Column("taxonomy_term_id", sa.String(length=36), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=True),
        sa.Column("label", sa.String(length=500), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["taxonomy_term_id"],
            ["taxonomy_terms.id"],
            name=op.f("fk_attributes_taxonomy_term_id_taxonomy_terms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attributes")),
    )
    with op.batch_alter_table("attributes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attributes_link_id"), ["link_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_attributes_taxonomy_term_id"), ["taxonomy_term_id"], unique=False
        )

    op.create_table(
        "organization_texts",
        sa.Column("locale", sa.String(length=12), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["organizations.id"],
            name=op.f("fk_organization_texts_owner_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("locale", "field", "owner_id", name=op.f("pk_organization_texts")),
    )
    op.create_table(
        "services",
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("promised_value", sa.Integer(), nullable=True),
        sa.Column("promised_unit", sa.String(length=16), nullable=True),
        sa.Column("statutory_value", sa.Integer(), nullable=True),
        sa.Column("statutory_unit", sa.String(length=16), nullable=True),
        sa.Column("cross_border", sa.Boolean(), nullable=False),
        sa.Column("item_code", sa.String(length=64), nullable=True),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_services_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
        sa.UniqueConstraint("slug", name=op.f("uq_services_slug")),
    )
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_services_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_services_modified_at"), ["modified_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_services_organization_id"), ["organization_id"], unique=False)

    op.create_table(
        "taxonomy_term_texts",
        sa.Column("locale", sa.String(length=12), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["taxonomy_terms.id"],
            name=op.f("fk_taxonomy_term_texts_owner_id_taxonomy_terms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("locale", "field", "owner_id", name=op.f("pk_taxonomy_term_texts")),
    )
    op.create_table(
        "faqs",
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_faqs_service_id_services"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faqs")),
    )
    with op.batch_alter_table("faqs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_faqs_service_id"), ["service_id"], unique=False)

    op.create_table(
        "required_documents",
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("document_type_id", sa.String(length=36), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_type_id"],
            ["document_types.id"],
            name=op.f("fk_required_documents_document_type_id_document_types"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_required_documents_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_required_documents")),
    )
    with op.batch_alter_table("required_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_required_documents_document_type_id"), ["document_type_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_required_documents_service_id"), ["service_id"], unique=False)

    op.create_table(
        "service_at_locations",
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("location_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_service_at_locations_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_service_at_locations_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_at_locations")),
        sa.UniqueConstraint(
            "service_id", "location_id", name=op.f("uq_service_at_locations_service_id_location_id")
        ),
    )
    with op.batch_alter_table("service_at_locations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_at_locations_location_id"), ["location_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_service_at_locations_service_id"), ["service_id"], unique=False)

    op.create_table(
        "service_texts",
        sa.Column("locale", sa.String(length=12), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["services.id"], name=op.f("fk_service_texts_owner_id_services"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("locale", "field", "owner_id", name=op.f("pk_service_texts")),
    )
    op.create_table(
        "faq_texts",
        sa.Column("locale", sa.String(length=12), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["faqs.id"], name=op.f("fk_faq_texts_owner_id_faqs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("locale", "field", "owner_id", name=op.f("pk_faq_texts")),
    )
    op.create_table(
        "required_document_texts",
        sa.Column("locale", sa.String(length=12), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["required_documents.id"],
            name=op.f("fk_required_document_texts_owner_id_required_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("locale", "field", "owner_id", name=op.f("pk_required_document_texts")),
    )
    op.create_table(
        "service_at_location_texts",
        sa.Column("locale", sa.String(length=12), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["service_at_locations.id"],
            name=op.f("fk_service_at_location_texts_owner_id_service_at_locations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("locale", "field", "owner_id", name=op.f("pk_service_at_location_texts")),
    )


def downgrade() -> None:
    with op.batch_alter_table("locations") as batch_op:
        batch_op.drop_constraint(op.f("fk_locations_organization_id_organizations"), type_="foreignkey")
    op.drop_table("service_at_location_texts")
    op.drop_table("required_document_texts")
    op.drop_table("faq_texts")
    op.drop_table("service_texts")
    with op.batch_alter_table("service_at_locations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_at_locations_service_id"))
        batch_op.drop_index(batch_op.f("ix_service_at_locations_location_id"))

    op.drop_table("service_at_locations")
    with op.batch_alter_table("required_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_required_documents_service_id"))
        batch_op.drop_index(batch_op.f("ix_required_documents_document_type_id"))

    op.drop_table("required_documents")
    with op.batch_alter_table("faqs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_faqs_service_id"))

    op.drop_table("faqs")
    op.drop_table("taxonomy_term_texts")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_services_organization_id"))
        batch_op.drop_index(batch_op.f("ix_services_modified_at"))
        batch_op.drop_index(batch_op.f("ix_services_category"))

    op.drop_table("services")
    op.drop_table("organization_texts")
    with op.batch_alter_table("attributes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attributes_taxonomy_term_id"))
        batch_op.drop_index(batch_op.f("ix_attributes_link_id"))

    op.drop_table("attributes")
    op.drop_table("taxonomy_texts")
    with op.batch_alter_table("taxonomy_terms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taxonomy_terms_taxonomy_id"))
        batch_op.drop_index(batch_op.f("ix_taxonomy_terms_code"))

    op.drop_table("taxonomy_terms")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organizations_kind"))

    op.drop_table("organizations")
    op.drop_table("location_texts")
    op.drop_table("document_type_texts")
    op.drop_table("taxonomies")
    op.drop_table("locations")
    op.drop_table("document_types")
    op.drop_table("catalog_state")
