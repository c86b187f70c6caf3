-- helpdesk release 4 (SQLite): countries folded into addresses; priorities are words; tickets
-- carry an SLA; a 'resolved' status.
CREATE TABLE app_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO app_meta VALUES ('schema_version', '4');

CREATE TABLE status (code TEXT PRIMARY KEY, label TEXT NOT NULL);
INSERT INTO status VALUES ('open', 'Open'), ('pending', 'Pending'), ('resolved', 'Resolved'), ('closed', 'Closed');

CREATE TABLE role (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
INSERT INTO role VALUES (1, 'admin'), (2, 'agent'), (3, 'viewer');

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
  country_name TEXT
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
  priority TEXT NOT NULL CHECK (priority IN ('high', 'normal', 'low')),
  sla_hours INTEGER
);
CREATE INDEX ticket_customer ON ticket(customer_id);

CREATE TABLE tag (name TEXT PRIMARY KEY);

CREATE TABLE ticket_tag (
  ticket_id INTEGER NOT NULL REFERENCES ticket(id),
  tag TEXT NOT NULL REFERENCES tag(name),
  PRIMARY KEY (ticket_id, tag)
) WITHOUT ROWID;
