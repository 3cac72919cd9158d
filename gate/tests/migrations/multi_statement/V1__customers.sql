-- Several changes in one migration: the second statement is the breaking one.
ALTER TABLE customers ADD COLUMN phone VARCHAR(20) NULL;

ALTER TABLE customers
  ADD COLUMN country CHAR(2) NOT NULL;

INSERT INTO customers (email) VALUES ('x@example.com');
CREATE INDEX customers_email ON customers (email);
