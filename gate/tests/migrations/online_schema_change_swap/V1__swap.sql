-- What gh-ost and pt-online-schema-change do: build a copy, alter it, swap the names.
CREATE TABLE _customers_new LIKE customers;
ALTER TABLE _customers_new MODIFY email INT NOT NULL;
RENAME TABLE customers TO _customers_old, _customers_new TO customers;
