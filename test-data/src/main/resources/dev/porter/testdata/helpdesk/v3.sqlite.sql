-- helpdesk release 3 (SQLite): addresses split from customers; tags become tables; VIP flag;
-- the audit log is gone.
CREATE TABLE app_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO app_meta VALUES ('schema_version', '3');

CREATE TABLE status (code TEXT PRIMARY KEY, label TEXT NOT NULL);
INSERT INTO status VALUES ('open', 'Open'), ('pending', 'Pending'), ('closed', 'Closed');

CREATE TABLE role (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
INSERT INTO role VALUES (1, 'admin'), (2, 'agent'), (3, 'viewer');

CREATE TABLE country (code TEXT PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO country VALUES ('DE', 'Germany'), ('FR', 'France'), ('NZ', 'New Zealand'), ('US', 'United States'), ('JP', 'Japan');

CREATE TABLE staff (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  role_id INTEGER NOT NULL REFERENCES role(id)
);

CREATE TABLE customer (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT,
  vip INTEGER NOT NULL
);

CREATE TABLE address (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL UNIQUE REFERENCES customer(id),
  street TEXT NOT NULL,
  city TEXT,
  country_code TEXT REFERENCES country(code)
);

CREATE TABLE ticket (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id INTEGER NOT NULL REFERENCES customer(id),
  agent_id INTEGER REFERENCES staff(id),
  status TEXT NOT NULL REFERENCES status(code),
  subject TEXT NOT NULL,
  body TEXT,
  created TEXT NOT NULL,
  updated TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 2
);
CREATE INDEX ticket_customer ON ticket(customer_id);

CREATE TABLE tag (name TEXT PRIMARY KEY);

CREATE TABLE ticket_tag (
  ticket_id INTEGER NOT NULL REFERENCES ticket(id),
  tag TEXT NOT NULL REFERENCES tag(name),
  PRIMARY KEY (ticket_id, tag)
) WITHOUT ROWID;
