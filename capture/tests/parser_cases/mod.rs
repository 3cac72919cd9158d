//! Support for `ddl_parser_cases.rs`: Java assertion reading and evaluation.

pub(crate) mod eval;
pub(crate) mod java;

use eval::{Ctx, Val, default_expression, jdbc_equivalent, jdbc_type, length, type_name_matches};
use java::Expr;
use sluice_capture::ddl;
use sluice_capture::schema::DataType;

/// `assertColumn(table, name, typeName, Types.X, length, scale, optional, generated, autoInc
/// [, hasDefault, default])` or `assertColumn(table, name, typeName, Types.X, length, charset,
/// optional)`. Returns whether it holds and what was found.
pub(crate) fn assert_column(ctx: &Ctx<'_>, args: &[Expr]) -> Result<(bool, String), String> {
    let vals = args
        .iter()
        .map(|a| ctx.eval(a))
        .collect::<Result<Vec<_>, _>>()?;
    let (Val::Table(id), Val::Str(name)) = (&vals[0], &vals[1]) else {
        return Err("assertColumn table/name".into());
    };
    let t = ctx.catalog_table(id).ok_or("table")?;
    let Some(c) = t.column(name) else {
        return Ok((false, format!("no column {name}")));
    };
    let mut problems = Vec::new();
    if let Val::Str(tn) = &vals[2]
        && !type_name_matches(&c.data_type, tn)
    {
        problems.push(format!("type {:?}", c.data_type));
    }
    if let Val::Jdbc(j) = &vals[3]
        && !jdbc_equivalent(j, jdbc_type(&c.data_type))
    {
        problems.push(format!("jdbc {}", jdbc_type(&c.data_type)));
    }
    if vals[4] != Val::Int(length(&c.data_type)) {
        problems.push(format!("length {}", length(&c.data_type)));
    }
    let opt_index = if vals.len() == 7 {
        let cs = c.charset.clone().map_or(Val::Null, Val::Str);
        if vals[5] != cs && !matches!(vals[5], Val::Int(_)) {
            problems.push(format!("charset {cs:?}"));
        }
        6
    } else {
        let scale = match &c.data_type {
            DataType::Decimal { scale, .. } => i64::from(*scale),
            _ => -1,
        };
        if vals[5] != Val::Int(scale) && vals[5] != Val::Null {
            problems.push(format!("scale {scale}"));
        }
        if vals.len() >= 9 {
            if vals[7] != Val::Bool(c.generated) && vals[7] != Val::Bool(c.auto_increment) {
                problems.push(format!("generated {}", c.generated));
            }
            if vals[8] != Val::Bool(c.auto_increment) {
                problems.push(format!("autoIncremented {}", c.auto_increment));
            }
        }
        if vals.len() == 11 {
            if vals[9] != Val::Bool(c.default.is_some()) {
                problems.push(format!("hasDefault {}", c.default.is_some()));
            }
            let d = default_expression(&c.default).map_or(Val::Null, Val::Str);
            if vals[10] != d {
                problems.push(format!("default {d:?}"));
            }
        }
        6
    };
    if vals[opt_index] != Val::Bool(c.nullable) {
        problems.push(format!("optional {}", c.nullable));
    }
    Ok((problems.is_empty(), problems.join(", ")))
}

/// `assertParseEnumAndSetOptions("ENUM('a','b')", "a", "b")`.
pub(crate) fn assert_enum_options(args: &[Expr]) -> Result<(bool, String), String> {
    let Some(Expr::Str(ty)) = args.first() else {
        return Err("enum type text".into());
    };
    let want: Vec<String> = args[1..]
        .iter()
        .map(|a| match a {
            Expr::Str(s) => Ok(s.clone()),
            _ => Err("enum value".to_string()),
        })
        .collect::<Result<_, _>>()?;
    let got = match ddl::parse(&format!("CREATE TABLE x (c {ty})"), None) {
        Ok(mut s) => match s.pop() {
            Some(ddl::DdlStatement::CreateTable(c)) => match &c.columns[0].column.data_type {
                DataType::Enum(v) | DataType::Set(v) => v.clone(),
                other => return Ok((false, format!("type {other:?}"))),
            },
            other => return Ok((false, format!("{other:?}"))),
        },
        Err(e) => return Ok((false, e.to_string())),
    };
    Ok((got == want, format!("{got:?}")))
}
