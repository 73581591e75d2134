"""Append what autogenerate cannot see to the initial migration: triggers and seed rows."""

import sys
from pathlib import Path

path = Path(sys.argv[1])
text = path.read_text()
text = text.replace(
    "def upgrade() -> None:\n",
    "def upgrade() -> None:\n    _upgrade_tables()\n    _upgrade_extras()\n\n\n"
    "def _upgrade_tables() -> None:\n",
    1,
)
text += '''

def _upgrade_extras() -> None:
    """Audit-chain head row and the append-only triggers."""
    from compliance.audit.triggers import statements

    op.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '" + "0" * 64 + "')")
    for sql in statements(op.get_bind().dialect.name):
        op.execute(sql)
'''
text = text.replace(
    "def downgrade() -> None:\n",
    "def downgrade() -> None:\n"
    "    from compliance.audit.triggers import statements\n\n"
    "    for sql in statements(op.get_bind().dialect.name, drop=True):\n"
    "        op.execute(sql)\n",
    1,
)
path.write_text(text)
