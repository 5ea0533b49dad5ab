-- Run in a database whose encoding is not UTF-8 (registry_dump.sh: EUC_JP,
-- WIN1252): a name is white space only exactly when it is in a UTF-8
-- database.  The characters are written as UTF-8 bytes and converted by the
-- server; those the encoding lacks are skipped.  Prints one line.
\set ON_ERROR_STOP 1
CREATE EXTENSION community_retention;
CREATE TABLE enc_model AS
SELECT retention_train(ARRAY[(i % 7)::float8, (i % 3)::float8], (i % 7 + i % 3) % 4 <> 0) AS m
FROM generate_series(1, 200) i;
DO $$
DECLARE
    c record;
    s text;
    blank int := 0;
    kept int := 0;
BEGIN
    FOR c IN SELECT * FROM (VALUES
        -- white space only: ideographic space, no-break space, NEL, em space, ASCII
        ('\xe38080'::bytea, true), ('\xc2a0', true), ('\xc285', true), ('\xe28083', true), ('\x2009', true),
        -- not: the ellipsis (0x85 in WIN1252, NEL in Latin-1), the kanji of Japan,
        -- ideographic space then x, 'x y'
        ('\xe280a6', false), ('\xe697a5e69cac', false), ('\xe3808078', false), ('\x782079', false)) v(bytes, is_blank)
    LOOP
        BEGIN
            s := pg_catalog.convert_from(c.bytes, 'UTF8');
        EXCEPTION WHEN untranslatable_character THEN
            CONTINUE;
        END;
        BEGIN
            PERFORM retention_model_save(s, m) FROM enc_model;
            IF c.is_blank THEN
                RAISE EXCEPTION 'the blank name % was saved', c.bytes;
            END IF;
            kept := kept + 1;
        EXCEPTION WHEN invalid_parameter_value THEN
            IF NOT c.is_blank THEN
                RAISE EXCEPTION 'the name % was refused as blank', c.bytes;
            END IF;
            blank := blank + 1;
        END;
    END LOOP;
    -- a character of the encoding with no Unicode equivalent is not white
    -- space (the test once converted the name and failed with 22P05); only
    -- WIN1252's, as the EUC_JP registry is restored into UTF-8 below, which
    -- no such character survives
    FOR c IN SELECT * FROM (VALUES ('WIN1252', '\x81'::bytea), ('WIN1252', '\x7881'))
             v(enc, bytes) WHERE v.enc = pg_catalog.getdatabaseencoding()
    LOOP
        PERFORM retention_model_save(pg_catalog.convert_from(c.bytes, c.enc), m) FROM enc_model;
        kept := kept + 1;
    END LOOP;
    IF blank < 2 OR kept < 2 THEN
        RAISE EXCEPTION 'too few names tested: % blank, % kept', blank, kept;
    END IF;
    RAISE NOTICE '%: % blank names refused, % names saved', pg_catalog.getdatabaseencoding(), blank, kept;
END
$$;
