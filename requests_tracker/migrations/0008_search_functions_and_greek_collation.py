"""What Greek-aware search and sort need in the database, before any index uses it.

- `unaccent` and `pg_trgm` (both trusted extensions: a database owner may create them).
- `requests_search_normalise(text)`: lower case, no accents, final sigma as sigma. unaccent() itself is only STABLE
  (it reads its dictionary by search_path), so an index cannot use it; the wrapper names the dictionary by schema
  and is declared IMMUTABLE, the usual way to index unaccented text.
- `requests_search_document(title, description)`: both columns through the normaliser, for the trigram index.
- `requests_el`: an ICU collation for Greek alphabetical order, whatever the database's default (tests: C.UTF-8).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    CREATE OR REPLACE FUNCTION requests_search_normalise(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN translate(lower(public.unaccent('public.unaccent'::regdictionary, value)), 'ς', 'σ')
    """,
    """
    CREATE OR REPLACE FUNCTION requests_search_document(title text, description text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN requests_search_normalise(coalesce(title, '') || ' ' || coalesce(description, ''))
    """,
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'requests_el') THEN
        BEGIN
          CREATE COLLATION requests_el (provider = icu, locale = 'el');
        EXCEPTION WHEN feature_not_supported THEN
          -- A PostgreSQL built without ICU (the embedded server of `make run`): the titles are sorted in their
          -- normalised form, whose Greek letters are in alphabetical order by code point.
          CREATE COLLATION requests_el FROM "C";
        END;
      END IF;
    END $$
    """,
]
BACKWARD = [
    "DROP FUNCTION IF EXISTS requests_search_document(text, text)",
    "DROP FUNCTION IF EXISTS requests_search_normalise(text)",
    "DROP COLLATION IF EXISTS requests_el",
]


class Migration(migrations.Migration):
    dependencies = [("requests_tracker", "0007_attachment_public_id_unique")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
