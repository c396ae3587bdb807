"""The dossier table's database objects."""
import pytest


@pytest.mark.django_db
def test_no_pattern_index_beside_the_unique_code_on_postgresql():
    """Codes are looked up whole; migration 0005 dropped Django's extra LIKE index on them."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the LIKE index is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'dossiers_dossier' AND indexdef LIKE %s",
                       ["%(code%"])
        definitions = [d for (d,) in cursor.fetchall()]
    assert len(definitions) == 1 and "UNIQUE" in definitions[0]
