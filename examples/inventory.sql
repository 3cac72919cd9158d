-- A small shop database for the quick start: customers, products, orders.
CREATE DATABASE inventory;
USE inventory;

CREATE TABLE customers (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  first_name VARCHAR(255) NOT NULL,
  last_name VARCHAR(255) NOT NULL,
  email VARCHAR(255) NOT NULL UNIQUE
) AUTO_INCREMENT = 1001;

INSERT INTO customers (first_name, last_name, email) VALUES
  ('Mira', 'Okafor', 'mira@example.com'),
  ('Tomas', 'Lindqvist', 'tomas@example.com'),
  ('Priya', 'Raman', 'priya@example.com');

CREATE TABLE products (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  price DECIMAL(10,2) NOT NULL,
  weight FLOAT
) AUTO_INCREMENT = 101;

INSERT INTO products (name, price, weight) VALUES
  ('kettle', 29.90, 1.2),
  ('teapot', 18.50, 0.8);

CREATE TABLE orders (
  order_number INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_date DATE NOT NULL,
  purchaser INT NOT NULL,
  product_id INT NOT NULL,
  quantity INT NOT NULL,
  FOREIGN KEY (purchaser) REFERENCES customers (id),
  FOREIGN KEY (product_id) REFERENCES products (id)
) AUTO_INCREMENT = 10001;

INSERT INTO orders (order_date, purchaser, product_id, quantity) VALUES
  ('2026-11-02', 1001, 101, 1),
  ('2026-11-03', 1003, 102, 2);
