ALTER TABLE customers MODIFY status ENUM('new','active','gone','vip') NOT NULL DEFAULT 'new';
