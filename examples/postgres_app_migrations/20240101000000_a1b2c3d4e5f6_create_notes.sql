-- retort:revision a1b2c3d4e5f6
-- retort:message create notes
-- retort:up
CREATE TABLE retort_example_notes (
    id BIGSERIAL PRIMARY KEY,
    body TEXT NOT NULL,
    written_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- retort:down
DROP TABLE retort_example_notes;
