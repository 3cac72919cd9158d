ALTER TABLE customers CHANGE nickname display_name VARCHAR(40) NULL;
