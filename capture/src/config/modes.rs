//! The enumerated settings of the connector, each with its Debezium spelling.

use std::fmt;

/// Declares a settings enum with its accepted spellings (first = canonical) and its key.
macro_rules! setting_enum {
    ($(#[$m:meta])* $name:ident, $key:literal, default $default:ident, { $($(#[$vm:meta])* $variant:ident => [$($s:literal),+]),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// The configuration key this setting is read from.
            pub const KEY: &'static str = $key;
            /// The canonical values, as listed in error messages.
            pub const VALUES: &'static [&'static str] = &[$(first_of!($($s),+)),+];

            /// The Debezium spelling of this value.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => first_of!($($s),+)),+ }
            }

            /// Parses a value (case-insensitive, surrounding spaces ignored; aliases accepted).
            pub fn parse(text: &str) -> Option<Self> {
                let t = text.trim();
                $( if [$($s),+].iter().any(|s| s.eq_ignore_ascii_case(t)) { return Some(Self::$variant); } )+
                None
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::$default
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

macro_rules! first_of {
    ($first:literal $(, $rest:literal)*) => {
        $first
    };
}

setting_enum!(
    /// `connector.class`.
    ConnectorClass, "connector.class", default MySql, {
        MySql => ["io.debezium.connector.mysql.MySqlConnector"],
        MariaDb => ["io.debezium.connector.mariadb.MariaDbConnector"],
    }
);

setting_enum!(
    /// `snapshot.mode` (`BinlogConnectorConfig.SnapshotMode`). `schema_only` is the deprecated alias of `no_data`.
    SnapshotMode, "snapshot.mode", default Initial, {
        /// Snapshot schema and data when no offsets exist, then stream.
        Initial => ["initial"],
        /// Snapshot schema and data, then stop.
        InitialOnly => ["initial_only"],
        /// Capture the schema only, then stream from the current position.
        NoData => ["no_data", "schema_only"],
        /// Snapshot when no offsets exist or the stored binlog position is purged.
        WhenNeeded => ["when_needed"],
        /// Debezium 1.x `never`: read no data and stream from the oldest binlog still on the
        /// server, building the schema from the DDL found there.
        Never => ["never"],
    }
);

impl SnapshotMode {
    /// Whether the snapshot reads table rows (when it runs at all).
    pub fn reads_data(self) -> bool {
        matches!(self, Self::Initial | Self::InitialOnly | Self::WhenNeeded)
    }

    /// Whether streaming follows the snapshot.
    pub fn streams(self) -> bool {
        !matches!(self, Self::InitialOnly)
    }
}

setting_enum!(
    /// `snapshot.locking.mode` (`MySqlConnectorConfig.SnapshotLockingMode`).
    SnapshotLockingMode, "snapshot.locking.mode", default Minimal, {
        Minimal => ["minimal"],
        None => ["none"],
    }
);

setting_enum!(
    /// `decimal.handling.mode` (`RelationalDatabaseConnectorConfig.DecimalHandlingMode`).
    DecimalHandlingMode, "decimal.handling.mode", default Precise, {
        Precise => ["precise"],
        Double => ["double"],
        String => ["string"],
    }
);

setting_enum!(
    /// `time.precision.mode` (`io.debezium.jdbc.TemporalPrecisionMode`). `adaptive` (deprecated) is not accepted.
    TimePrecisionMode, "time.precision.mode", default AdaptiveTimeMicroseconds, {
        AdaptiveTimeMicroseconds => ["adaptive_time_microseconds"],
        Connect => ["connect"],
    }
);

setting_enum!(
    /// `bigint.unsigned.handling.mode` (`BinlogConnectorConfig.BigIntUnsignedHandlingMode`).
    BigIntUnsignedHandlingMode, "bigint.unsigned.handling.mode", default Long, {
        Long => ["long"],
        Precise => ["precise"],
    }
);

setting_enum!(
    /// `binary.handling.mode` (`CommonConnectorConfig.BinaryHandlingMode`).
    BinaryHandlingMode, "binary.handling.mode", default Bytes, {
        Bytes => ["bytes"],
        Base64 => ["base64"],
        Base64UrlSafe => ["base64-url-safe"],
        Hex => ["hex"],
    }
);

setting_enum!(
    /// `schema.name.adjustment.mode` / `field.name.adjustment.mode` (`CommonConnectorConfig.SchemaNameAdjustmentMode` / `FieldNameAdjustmentMode`).
    NameAdjustmentMode, "schema.name.adjustment.mode", default None, {
        /// No adjustment (Debezium's default since 2.0).
        None => ["none"],
        /// Characters invalid in Avro names become `_`.
        Avro => ["avro"],
        /// Characters invalid in Avro names become `_uXXXX`.
        AvroUnicode => ["avro_unicode"],
    }
);

setting_enum!(
    /// `database.ssl.mode`.
    SslMode, "database.ssl.mode", default Preferred, {
        Disabled => ["disabled", "disable"],
        Preferred => ["preferred", "prefer"],
        Required => ["required", "require"],
        VerifyCa => ["verify_ca"],
        VerifyIdentity => ["verify_identity"],
    }
);

/// One operation type of `skipped.operations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    Create,
    Update,
    Delete,
    Truncate,
}

impl Operation {
    /// The `op` code (`c`, `u`, `d`, `t`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Create => "c",
            Self::Update => "u",
            Self::Delete => "d",
            Self::Truncate => "t",
        }
    }

    pub(crate) fn from_code(code: &str) -> Option<Self> {
        match code {
            "c" => Some(Self::Create),
            "u" => Some(Self::Update),
            "d" => Some(Self::Delete),
            "t" => Some(Self::Truncate),
            _ => None,
        }
    }
}
