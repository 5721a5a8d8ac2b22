-- retort:revision c3c3c3c3c3c3
-- retort:parents b2b2b2b2b2b2
-- retort:message create posts
-- retort:up
CREATE TABLE posts (
    id INTEGER NOT NULL PRIMARY KEY,
    user_id INTEGER NOT NULL,
    title VARCHAR(200) NOT NULL -- a comment; with a semicolon
);
INSERT INTO posts (id, user_id, title) VALUES (1, 1, 'semi;colon ''quoted''');
-- retort:down
DROP TABLE posts;
