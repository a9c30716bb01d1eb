-- +goose Up
-- The desk's branding on its public pages: a name, three colours (checked
-- for contrast when saved) and a logo. The logo's bytes have a table of
-- their own, so loading the settings for every public page never reads
-- them; the settings row keeps the logo's type and hash, which name the
-- logo's URL.
ALTER TABLE desk_settings
    ADD COLUMN brand_name       text NOT NULL DEFAULT '',
    ADD COLUMN brand_color      text NOT NULL DEFAULT '',
    ADD COLUMN brand_text_color text NOT NULL DEFAULT '',
    ADD COLUMN link_color       text NOT NULL DEFAULT '',
    ADD COLUMN logo_type        text NOT NULL DEFAULT '',
    ADD COLUMN logo_sha256      text NOT NULL DEFAULT '';

CREATE TABLE desk_logo (
    id           smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    content_type text        NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/gif')),
    data         bytea       NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 262144),
    sha256       text        NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE desk_logo;
ALTER TABLE desk_settings
    DROP COLUMN brand_name,
    DROP COLUMN brand_color,
    DROP COLUMN brand_text_color,
    DROP COLUMN link_color,
    DROP COLUMN logo_type,
    DROP COLUMN logo_sha256;
