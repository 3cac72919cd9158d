ALTER TABLE customers CHANGE nickname Nickname VARCHAR(40) NULL;
