//! Avro schemas of tables: inventory.customers equals the derived Debezium/AvroConverter
//! schemas exactly; every type mapping and default is valid Avro and as Debezium's `BinlogValueConverters` builds them.

use serde_json::{Value, json};
use sluice_capture::avro::{SchemaOptions, TableAvro};
use sluice_capture::config::*;
use sluice_capture::schema::{
    Column, ColumnDefault, DataType, GeometryKind, LobSize, Table, TableId,
};
use sluice_compat::{ParseMode, ParsedSchema};
use sluice_proto::SchemaType;

/// `../shared/conformance/mysql/events/<file>`, or `None` (said on stderr) without `../shared`.
fn load(file: &str) -> Option<Value> {
    let path = sluice_test_data::shared(
        &format!("conformance/mysql/events/{file}"),
        "the comparison with the derived Avro schemas of dbserver1.inventory.customers",
    )?;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(serde_json::from_str(&text).expect("a schema file is JSON"))
}

fn canonical(v: &Value) -> String {
    ParsedSchema::parse(SchemaType::Avro, &v.to_string(), &[], ParseMode::New)
        .unwrap()
        .canonical()
        .to_string()
}

fn not_null(name: &str, t: DataType) -> Column {
    Column {
        nullable: false,
        ..Column::new(name, t)
    }
}

/// `CREATE TABLE customers (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY, first_name
/// VARCHAR(255) NOT NULL, last_name VARCHAR(255) NOT NULL, email VARCHAR(255) NOT NULL UNIQUE KEY)`
pub fn customers() -> Table {
    let mut id = not_null("id", DataType::Int { unsigned: false });
    id.auto_increment = true;
    Table {
        id: TableId::new("inventory", "customers"),
        columns: vec![
            id,
            not_null("first_name", DataType::VarChar(255)),
            not_null("last_name", DataType::VarChar(255)),
            not_null("email", DataType::VarChar(255)),
        ],
        primary_key: vec!["id".into()],
        charset: None,
        comment: None,
    }
}

#[test]
fn customers_key_and_value_equal_the_derived_schemas_exactly() {
    let t = TableAvro::new(&customers(), &SchemaOptions::new("dbserver1")).unwrap();
    assert_eq!(t.topic, "dbserver1.inventory.customers");
    assert_eq!(t.key_subject(), "dbserver1.inventory.customers-key");
    assert_eq!(t.value_subject(), "dbserver1.inventory.customers-value");
    let (Some(key), Some(value)) = (
        load("derived-avro/dbserver1.inventory.customers-key.avsc.json"),
        load("derived-avro/dbserver1.inventory.customers-value.avsc.json"),
    ) else {
        return;
    };
    let k = t.key.as_ref().unwrap();
    // Exact JSON, property order included (serde_json preserves order).
    assert_eq!(k.json, key["schema"]);
    assert_eq!(k.json.to_string(), key["schema"].to_string());
    assert_eq!(t.envelope.json.to_string(), value["schema"].to_string());
    // And the registry's canonical forms agree.
    assert_eq!(k.canonical, canonical(&key["schema"]));
    assert_eq!(t.envelope.canonical, canonical(&value["schema"]));
    assert_eq!(
        t.value.json["fields"],
        value["schema"]["fields"][0]["type"][1]["fields"]
    );
}

#[test]
fn table_without_primary_key_has_no_key() {
    let mut t = customers();
    t.primary_key.clear();
    assert!(
        TableAvro::new(&t, &SchemaOptions::new("p"))
            .unwrap()
            .key
            .is_none()
    );
}

/// The value record's field named `name`.
fn field(t: &TableAvro, name: &str) -> Value {
    t.value.json["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no field {name}"))
        .clone()
}

fn one(col: Column, opts: &SchemaOptions) -> Value {
    let table = Table {
        id: TableId::new("db", "t"),
        columns: vec![not_null("pk", DataType::Int { unsigned: false }), col],
        primary_key: vec!["pk".into()],
        charset: None,
        comment: None,
    };
    let t = TableAvro::new(&table, opts).unwrap();
    let name = table.columns[1].name.clone();
    field(&t, &name)
}

fn check(col: Column, expected: Value) {
    check_with(col, &SchemaOptions::new("p"), expected);
}

fn check_with(col: Column, opts: &SchemaOptions, expected: Value) {
    let name = col.name.clone();
    let got = one(col, opts);
    assert_eq!(got, expected, "column {name}: got {got}");
}

fn with_default(mut c: Column, d: ColumnDefault) -> Column {
    c.default = Some(d);
    c
}

fn lit(s: &str) -> ColumnDefault {
    ColumnDefault::Literal(s.into())
}

#[test]
fn integer_and_float_types() {
    check(
        Column::new(
            "a",
            DataType::TinyInt {
                unsigned: false,
                width: Some(1),
            },
        ),
        // TINYINT is INT16 in Debezium (its DDL parser maps it to JDBC SMALLINT).
        json!({"name":"a","type":["null",{"type":"int","connect.type":"int16"}],"default":null}),
    );
    check(
        not_null(
            "a",
            DataType::TinyInt {
                unsigned: true,
                width: None,
            },
        ),
        json!({"name":"a","type":{"type":"int","connect.type":"int16"}}),
    );
    check(
        not_null("a", DataType::SmallInt { unsigned: true }),
        json!({"name":"a","type":"int"}),
    );
    check(
        not_null("a", DataType::MediumInt { unsigned: true }),
        json!({"name":"a","type":"int"}),
    );
    check(
        not_null("a", DataType::Int { unsigned: true }),
        json!({"name":"a","type":"long"}),
    );
    check(
        not_null("a", DataType::BigInt { unsigned: true }),
        json!({"name":"a","type":"long"}),
    );
    check(
        not_null("a", DataType::Boolean),
        json!({"name":"a","type":"boolean"}),
    );
    check(
        not_null("a", DataType::Bit(1)),
        json!({"name":"a","type":"boolean"}),
    );
    check(
        not_null(
            "a",
            DataType::Float {
                precision: None,
                scale: None,
                unsigned: false,
            },
        ),
        json!({"name":"a","type":"float"}),
    );
    check(
        not_null(
            "a",
            DataType::Float {
                precision: Some(10),
                scale: Some(2),
                unsigned: false,
            },
        ),
        json!({"name":"a","type":"double"}),
    );
    check(
        not_null(
            "a",
            DataType::Float {
                precision: Some(30),
                scale: None,
                unsigned: false,
            },
        ),
        json!({"name":"a","type":"double"}),
    );
    check(
        not_null("a", DataType::Double { unsigned: false }),
        json!({"name":"a","type":"double"}),
    );
    let mut precise = SchemaOptions::new("p");
    precise.mapping.bigint_unsigned = BigIntUnsignedHandlingMode::Precise;
    check_with(
        not_null("a", DataType::BigInt { unsigned: true }),
        &precise,
        json!({"name":"a","type":{
        "type":"bytes","scale":0,"precision":20,"connect.version":1,
        "connect.parameters":{"scale":"0","connect.decimal.precision":"20"},
        "connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}}),
    );
}

#[test]
fn decimal_modes() {
    let d = || {
        not_null(
            "a",
            DataType::Decimal {
                precision: 10,
                scale: 2,
                unsigned: false,
            },
        )
    };
    check(
        d(),
        json!({"name":"a","type":{
        "type":"bytes","scale":2,"precision":10,"connect.version":1,
        "connect.parameters":{"scale":"2","connect.decimal.precision":"10"},
        "connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}}),
    );
    let mut o = SchemaOptions::new("p");
    o.mapping.decimal = DecimalHandlingMode::Double;
    check_with(d(), &o, json!({"name":"a","type":"double"}));
    o.mapping.decimal = DecimalHandlingMode::String;
    check_with(
        with_default(d(), lit("1.5")),
        &o,
        json!({"name":"a","type":{"type":"string","connect.default":"1.50"},"default":"1.50"}),
    );
    // A precise default: the unscaled value 150 as ISO-8859-1 bytes.
    let got = one(with_default(d(), lit("1.5")), &SchemaOptions::new("p"));
    assert_eq!(got["default"], json!("\u{0}\u{96}"));
    assert_eq!(got["type"]["connect.default"], json!("\u{0}\u{96}"));
}

#[test]
fn string_binary_json_enum_set() {
    check(
        Column::new("a", DataType::VarChar(10)),
        json!({"name":"a","type":["null","string"],"default":null}),
    );
    check(
        not_null("a", DataType::Text(LobSize::Long)),
        json!({"name":"a","type":"string"}),
    );
    check(
        not_null("a", DataType::Blob(LobSize::Normal)),
        json!({"name":"a","type":"bytes"}),
    );
    let mut o = SchemaOptions::new("p");
    o.mapping.binary = BinaryHandlingMode::Hex;
    check_with(
        not_null("a", DataType::VarBinary(4)),
        &o,
        json!({"name":"a","type":"string"}),
    );
    check(
        not_null("a", DataType::Json),
        json!({"name":"a","type":{
        "type":"string","connect.version":1,"connect.name":"io.debezium.data.Json"}}),
    );
    check(
        with_default(
            Column::new("a", DataType::Enum(vec!["x".into(), "y".into()])),
            lit("y"),
        ),
        json!({"name":"a","type":[{"type":"string","connect.version":1,
            "connect.parameters":{"allowed":"x,y"},"connect.default":"y",
            "connect.name":"io.debezium.data.Enum"},"null"],"default":"y"}),
    );
    check(
        not_null("a", DataType::Set(vec!["x".into(), "y".into()])),
        json!({"name":"a","type":{
        "type":"string","connect.version":1,"connect.parameters":{"allowed":"x,y"},
        "connect.name":"io.debezium.data.EnumSet"}}),
    );
    check(
        with_default(not_null("a", DataType::VarChar(3)), lit("CV2")),
        json!({"name":"a","type":{"type":"string","connect.default":"CV2"},"default":"CV2"}),
    );
}

#[test]
fn temporal_types_and_defaults() {
    let ts = |n: &str| json!({"type":"long","connect.version":1,"connect.name":n});
    check(
        not_null("a", DataType::Date),
        json!({"name":"a","type":{"type":"int","connect.version":1,"connect.name":"io.debezium.time.Date"}}),
    );
    check(
        not_null("a", DataType::Time(0)),
        json!({"name":"a","type":ts("io.debezium.time.MicroTime")}),
    );
    check(
        not_null("a", DataType::DateTime(3)),
        json!({"name":"a","type":ts("io.debezium.time.Timestamp")}),
    );
    check(
        not_null("a", DataType::DateTime(6)),
        json!({"name":"a","type":ts("io.debezium.time.MicroTimestamp")}),
    );
    check(
        not_null("a", DataType::Year),
        json!({"name":"a","type":{"type":"int","connect.version":1,"connect.name":"io.debezium.time.Year"}}),
    );
    check(
        with_default(
            not_null("a", DataType::Timestamp(0)),
            ColumnDefault::CurrentTimestamp,
        ),
        json!({"name":"a","type":{"type":"string","connect.version":1,"connect.default":"1970-01-01T00:00:00Z",
            "connect.name":"io.debezium.time.ZonedTimestamp"},"default":"1970-01-01T00:00:00Z"}),
    );
    // Observed 1.x: NOT NULL DATETIME with a zero default → 0.
    check(
        with_default(
            not_null("CREATE_TIME", DataType::DateTime(0)),
            lit("0000-00-00 00:00:00"),
        ),
        json!({"name":"CREATE_TIME","type":{"type":"long","connect.version":1,"connect.default":0,
            "connect.name":"io.debezium.time.Timestamp"},"default":0}),
    );
    // A nullable zero date has no default.
    check(
        with_default(Column::new("a", DataType::Date), lit("0000-00-00")),
        json!({"name":"a","type":["null",{"type":"int","connect.version":1,"connect.name":"io.debezium.time.Date"}],"default":null}),
    );
    check(
        with_default(not_null("a", DataType::Date), lit("2018-06-20")),
        json!({"name":"a","type":{"type":"int","connect.version":1,"connect.default":17702,"connect.name":"io.debezium.time.Date"},"default":17702}),
    );
    let mut o = SchemaOptions::new("p");
    o.mapping.time_precision = TimePrecisionMode::Connect;
    check_with(
        not_null("a", DataType::Date),
        &o,
        json!({"name":"a","type":{"type":"int","connect.version":1,
        "connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}}),
    );
    check_with(
        not_null("a", DataType::Time(3)),
        &o,
        json!({"name":"a","type":{"type":"int","connect.version":1,
        "connect.name":"org.apache.kafka.connect.data.Time","logicalType":"time-millis"}}),
    );
    check_with(
        not_null("a", DataType::DateTime(6)),
        &o,
        json!({"name":"a","type":{"type":"long","connect.version":1,
        "connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}}),
    );
    // Expression defaults are not converted.
    check(
        with_default(
            Column::new("a", DataType::Date),
            ColumnDefault::Expression("curdate()".into()),
        ),
        json!({"name":"a","type":["null",{"type":"int","connect.version":1,"connect.name":"io.debezium.time.Date"}],"default":null}),
    );
}

#[test]
fn bits_spatial_vector_and_numeric_defaults() {
    check(
        with_default(not_null("a", DataType::Bit(10)), lit("b'1000000001'")),
        json!({"name":"a","type":{"type":"bytes","connect.version":1,"connect.parameters":{"length":"10"},
            "connect.default":"\u{1}\u{2}","connect.name":"io.debezium.data.Bits"},"default":"\u{1}\u{2}"}),
    );
    let geometry = json!({"type":"record","name":"Geometry","namespace":"io.debezium.data.geometry",
        "fields":[{"name":"wkb","type":"bytes"},{"name":"srid","type":["null","int"],"default":null}],
        "connect.doc":"Geometry","connect.version":1,"connect.name":"io.debezium.data.geometry.Geometry"});
    // Always optional, even NOT NULL.
    check(
        not_null("g", DataType::Geometry(GeometryKind::Polygon)),
        json!({"name":"g","type":["null", geometry],"default":null}),
    );
    check(
        not_null("p", DataType::Geometry(GeometryKind::Point)),
        json!({"name":"p","type":{"type":"record","name":"Point","namespace":"io.debezium.data.geometry",
        "fields":[{"name":"x","type":"double"},{"name":"y","type":"double"},
            {"name":"wkb","type":["null","bytes"],"default":null},{"name":"srid","type":["null","int"],"default":null}],
        "connect.doc":"Geometry (POINT)","connect.version":1,"connect.name":"io.debezium.data.geometry.Point"}}),
    );
    check(
        not_null("v", DataType::Vector(3)),
        json!({"name":"v","type":{"type":"array","items":"float",
        "connect.version":1,"connect.name":"io.debezium.data.FloatVector"}}),
    );
    check(
        with_default(not_null("a", DataType::Int { unsigned: false }), lit("10")),
        json!({"name":"a","type":{"type":"int","connect.default":10},"default":10}),
    );
    check(
        with_default(
            Column::new("a", DataType::SmallInt { unsigned: false }),
            lit("-3"),
        ),
        json!({"name":"a","type":[{"type":"int","connect.default":-3,"connect.type":"int16"},"null"],"default":-3}),
    );
    check(
        with_default(
            not_null(
                "a",
                DataType::Float {
                    precision: None,
                    scale: None,
                    unsigned: false,
                },
            ),
            lit("1.1"),
        ),
        json!({"name":"a","type":{"type":"float","connect.default":1.1},"default":1.1}),
    );
    check(
        with_default(not_null("a", DataType::Boolean), lit("1")),
        json!({"name":"a","type":{"type":"boolean","connect.default":true},"default":true}),
    );
}

#[test]
fn every_type_in_every_mode_is_valid_avro() {
    let types = vec![
        DataType::Boolean,
        DataType::Bit(1),
        DataType::Bit(17),
        DataType::TinyInt {
            unsigned: false,
            width: Some(1),
        },
        DataType::TinyInt {
            unsigned: true,
            width: None,
        },
        DataType::SmallInt { unsigned: false },
        DataType::MediumInt { unsigned: true },
        DataType::Int { unsigned: true },
        DataType::BigInt { unsigned: true },
        DataType::BigInt { unsigned: false },
        DataType::Float {
            precision: None,
            scale: None,
            unsigned: false,
        },
        DataType::Double { unsigned: false },
        DataType::Decimal {
            precision: 65,
            scale: 30,
            unsigned: false,
        },
        DataType::Char(3),
        DataType::VarChar(3),
        DataType::Text(LobSize::Tiny),
        DataType::Binary(4),
        DataType::VarBinary(4),
        DataType::Blob(LobSize::Long),
        DataType::Json,
        DataType::Enum(vec!["a".into()]),
        DataType::Set(vec!["a".into(), "b".into()]),
        DataType::Year,
        DataType::Date,
        DataType::Time(6),
        DataType::DateTime(0),
        DataType::DateTime(6),
        DataType::Timestamp(3),
        DataType::Geometry(GeometryKind::Geometry),
        DataType::Geometry(GeometryKind::Point),
        DataType::Geometry(GeometryKind::MultiPolygon),
        DataType::Vector(2),
    ];
    let mut columns = vec![not_null("pk", DataType::BigInt { unsigned: false })];
    for (i, t) in types.into_iter().enumerate() {
        columns.push(Column::new(format!("n{i}"), t.clone()));
        columns.push(not_null(&format!("r{i}"), t));
    }
    let table = Table {
        id: TableId::new("db", "all"),
        columns,
        primary_key: vec!["pk".into()],
        charset: None,
        comment: None,
    };
    for decimal in [
        DecimalHandlingMode::Precise,
        DecimalHandlingMode::Double,
        DecimalHandlingMode::String,
    ] {
        for time in [
            TimePrecisionMode::AdaptiveTimeMicroseconds,
            TimePrecisionMode::Connect,
        ] {
            for binary in [
                BinaryHandlingMode::Bytes,
                BinaryHandlingMode::Base64,
                BinaryHandlingMode::Hex,
            ] {
                let mut o = SchemaOptions::new("p");
                o.mapping = sluice_capture::avro::MappingOptions {
                    decimal,
                    time_precision: time,
                    bigint_unsigned: BigIntUnsignedHandlingMode::Precise,
                    binary,
                };
                let t = TableAvro::new(&table, &o).expect("valid Avro");
                assert_eq!(t.envelope.canonical, canonical(&t.envelope.json));
            }
        }
    }
}

#[test]
fn names_are_adjusted_when_asked() {
    let mut t = customers();
    t.columns[1].name = "first-name".into();
    t.id.database = "in ventory".into();
    let mut o = SchemaOptions::new("mysql-server-1");
    assert!(
        TableAvro::new(&t, &o).is_err(),
        "'-' in a namespace is invalid Avro with mode none"
    );
    o.schema_name_adjustment = NameAdjustmentMode::Avro;
    o.field_name_adjustment = NameAdjustmentMode::Avro;
    let a = TableAvro::new(&t, &o).unwrap();
    assert_eq!(a.topic, "mysql-server-1.in_ventory.customers");
    assert_eq!(
        a.envelope.json["namespace"],
        "mysql_server_1.in_ventory.customers"
    );
    assert_eq!(a.value.json["fields"][1]["name"], "first_name");
}

#[test]
fn config_drives_the_mapping_and_column_filter() {
    let mut raw = RawConfig::new();
    for (k, v) in [
        (
            "connector.class",
            "io.debezium.connector.mariadb.MariaDbConnector",
        ),
        ("database.hostname", "h"),
        ("database.user", "u"),
        ("database.server.id", "1"),
        ("topic.prefix", "dbserver1"),
        ("column.exclude.list", "inventory\\.customers\\.(email|id)"),
    ] {
        raw.insert(k.into(), v.into());
    }
    let c = ConnectorConfig::parse(&raw).unwrap().config;
    let t = TableAvro::from_config(&customers(), &c).unwrap();
    let names: Vec<&str> = t.value.json["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["first_name", "last_name"]);
    // The key keeps the primary key even when the column is excluded from the value.
    assert_eq!(t.key.unwrap().json["fields"][0]["name"], "id");
    assert_eq!(
        t.envelope.json["fields"][2]["type"]["namespace"],
        "io.debezium.connector.mariadb"
    );
}
