ALTER TABLE customers MODIFY status ENUM('new','active') NOT NULL DEFAULT 'new';
