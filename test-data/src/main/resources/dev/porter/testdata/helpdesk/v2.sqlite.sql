-- helpdesk release 2 (SQLite): agents become staff with a role table; sessions are gone;
-- deleted tickets are purged; times are ISO-8601 UTC; tickets track their last update.
CREATE TABLE app_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO app_meta VALUES ('schema_version', '2');

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
  street TEXT,
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
  tags TEXT,
  created TEXT NOT NULL,
  updated TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 2
);
CREATE INDEX ticket_customer ON ticket(customer_id);

CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at TEXT NOT NULL, message TEXT NOT NULL);
