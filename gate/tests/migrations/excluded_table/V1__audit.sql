-- audit_log is not captured (table.include.list): neither statement can matter.
ALTER TABLE audit_log ADD COLUMN (((;
ALTER TABLE audit_log ADD COLUMN actor VARCHAR(40) NOT NULL;
ALTER TABLE customers ADD COLUMN phone VARCHAR(20) NULL;
