"""Settlement: payments per milestone, voucher holds, the equity ledger and disputes

Adds `payments` (one per milestone of an accepted cash quote), `equity_entries` (以服务换股权), `disputes`,
a milestone's share of the total, the voucher credit a request holds, the held amount of a voucher account
(never below zero) and a settlement's refunded amount. Requests accepted before this keep their old voucher
debit (`voucher_debited`), which a cancel still refunds.

Revision ID: 2ab8bcacab3e
Revises: 03d8233d8c9c
Create Date: 2026-12-07 10:30:27.777252

"""
import warnings

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '2ab8bcacab3e'
down_revision = '03d8233d8c9c'
branch_labels = None
depends_on = None

# SQLite's batch mode reflects the tables the altered one refers to; it cannot read the expression index on
# listings (ix_listings_published_category_city) and warns, which is harmless here.
EXPRESSION_INDEX = "Skipped unsupported reflection of expression-based index"


def upgrade():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", EXPRESSION_INDEX)
        _upgrade()


def downgrade():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", EXPRESSION_INDEX)
        _downgrade()


def _upgrade():
    op.create_table('disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=20), server_default='open', nullable=False),
    sa.Column('refund_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['raised_by_id'], ['users.id'], name=op.f('fk_disputes_raised_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['resource_requests.id'], name=op.f('fk_disputes_request_id_resource_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_disputes_resolved_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disputes')),
    sa.UniqueConstraint('request_id', name=op.f('uq_disputes_request_id'))
    )
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disputes_state'), ['state'], unique=False)

    op.create_table('equity_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('startup_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('holder_id', sa.Integer(), nullable=True),
    sa.Column('holder_name', sa.String(length=200), nullable=False),
    sa.Column('equity_percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('share_class', sa.String(length=100), nullable=True),
    sa.Column('valuation_note', sa.Text(), nullable=True),
    sa.Column('services', sa.Text(), nullable=False),
    sa.Column('cash_amount', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False),
    sa.Column('currency', sa.String(length=3), server_default='CNY', nullable=False),
    sa.Column('status', sa.String(length=20), server_default='recorded', nullable=False),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['holder_id'], ['organisations.id'], name=op.f('fk_equity_entries_holder_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['resource_requests.id'], name=op.f('fk_equity_entries_request_id_resource_requests'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['startup_id'], ['organisations.id'], name=op.f('fk_equity_entries_startup_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equity_entries')),
    sa.UniqueConstraint('request_id', name=op.f('uq_equity_entries_request_id'))
    )
    with op.batch_alter_table('equity_entries', schema=None) as batch_op:
        batch_op.create_index('ix_equity_entries_startup_id_created_at', ['startup_id', 'created_at'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), server_default='CNY', nullable=False),
    sa.Column('state', sa.String(length=20), server_default='due', nullable=False),
    sa.Column('marked_paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('marked_paid_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_payments_amount_not_negative')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_payments_confirmed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['marked_paid_by_id'], ['users.id'], name=op.f('fk_payments_marked_paid_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['milestone_id'], ['quote_milestones.id'], name=op.f('fk_payments_milestone_id_quote_milestones'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['resource_requests.id'], name=op.f('fk_payments_request_id_resource_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('request_id', 'position', name='uq_payments_request_id_position')
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('quote_milestones', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_percent', sa.Numeric(precision=5, scale=2), nullable=True))

    with op.batch_alter_table('resource_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voucher_held', sa.Numeric(precision=12, scale=2), nullable=True))

    with op.batch_alter_table('settlements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refunded_amount', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False))

    with op.batch_alter_table('voucher_accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False))
        batch_op.create_check_constraint(op.f('ck_voucher_accounts_held_not_negative'), 'held >= 0')

    with op.batch_alter_table('voucher_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_after', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False))


def _downgrade():
    with op.batch_alter_table('voucher_entries', schema=None) as batch_op:
        batch_op.drop_column('held_after')

    with op.batch_alter_table('voucher_accounts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_voucher_accounts_held_not_negative'), type_='check')
        batch_op.drop_column('held')

    with op.batch_alter_table('settlements', schema=None) as batch_op:
        batch_op.drop_column('refunded_amount')

    with op.batch_alter_table('resource_requests', schema=None) as batch_op:
        batch_op.drop_column('voucher_held')

    with op.batch_alter_table('quote_milestones', schema=None) as batch_op:
        batch_op.drop_column('share_percent')

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_request_id'))

    op.drop_table('payments')
    with op.batch_alter_table('equity_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_equity_entries_startup_id_created_at')

    op.drop_table('equity_entries')
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disputes_state'))

    op.drop_table('disputes')
