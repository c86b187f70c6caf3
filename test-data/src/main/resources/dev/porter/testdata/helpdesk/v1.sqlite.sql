-- helpdesk release 1 (SQLite)
CREATE TABLE app_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO app_meta VALUES ('schema_version', '1');

CREATE TABLE status (code TEXT PRIMARY KEY, label TEXT NOT NULL);
INSERT INTO status VALUES ('open', 'Open'), ('pending', 'Pending'), ('closed', 'Closed'), ('deleted', 'Deleted');

CREATE TABLE country (code TEXT PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO country VALUES ('DE', 'Germany'), ('FR', 'France'), ('NZ', 'New Zealand'), ('US', 'United States'), ('JP', 'Japan');

CREATE TABLE agent (
  id INTEGER PRIMARY KEY,
  full_name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL
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
  agent_id INTEGER REFERENCES agent(id),
  status TEXT NOT NULL REFERENCES status(code),
  subject TEXT NOT NULL,
  body TEXT,
  tags TEXT,
  created TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 2
);
CREATE INDEX ticket_customer ON ticket(customer_id);

CREATE TABLE session (
  token TEXT PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agent(id),
  expires TEXT NOT NULL
);

CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at TEXT NOT NULL, message TEXT NOT NULL);
