ALTER TABLE customers ADD COLUMN nickname INT NULL;
