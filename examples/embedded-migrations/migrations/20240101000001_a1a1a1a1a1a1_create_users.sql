-- retort:revision a1a1a1a1a1a1
-- retort:message create users
-- retort:up
CREATE TABLE users (
    id INTEGER NOT NULL PRIMARY KEY,
    email VARCHAR(255) NOT NULL
);
-- retort:down
DROP TABLE users;
