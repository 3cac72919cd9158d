//! Reads: subjects, versions, schemas by id, references. All served from the cache.

use super::Registry;
use bytes::Bytes;
use sluice_proto::RegistryError;
use sluice_proto::rest::{SubjectSchema, SubjectVersion};

/// A version path segment: a number in [1, 2^31-1], or `latest` (also `-1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSelector {
    Latest,
    Number(i32),
}

impl VersionSelector {
    /// Parses a version segment; anything else is Confluent's 42202.
    pub fn parse(segment: &str) -> Result<Self, RegistryError> {
        if segment.eq_ignore_ascii_case("latest") {
            return Ok(Self::Latest);
        }
        match segment.parse::<i64>() {
            Ok(-1) => Ok(Self::Latest),
            Ok(n) if (1..=i64::from(i32::MAX)).contains(&n) => Ok(Self::Number(n as i32)),
            _ => Err(RegistryError::InvalidVersion(segment.to_owned())),
        }
    }
}

/// Filters of `GET /schemas`.
#[derive(Debug, Clone, Default)]
pub struct SchemaListQuery {
    pub subject_prefix: Option<String>,
    pub deleted: bool,
    pub latest_only: bool,
    pub offset: usize,
    pub limit: Option<usize>,
}

/// Which versions a listing includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletedFilter {
    LiveOnly,
    All,
    DeletedOnly,
}

impl DeletedFilter {
    pub fn from_flags(deleted: bool, deleted_only: bool) -> Self {
        if deleted_only {
            Self::DeletedOnly
        } else if deleted {
            Self::All
        } else {
            Self::LiveOnly
        }
    }

    fn admits(self, deleted: bool) -> bool {
        match self {
            Self::LiveOnly => !deleted,
            Self::All => true,
            Self::DeletedOnly => deleted,
        }
    }
}

fn page<T>(items: impl Iterator<Item = T>, offset: usize, limit: Option<usize>) -> Vec<T> {
    let items = items.skip(offset);
    match limit {
        Some(l) if l > 0 => items.take(l).collect(),
        _ => items.collect(),
    }
}

impl Registry {
    /// `GET /subjects`.
    pub fn subjects(
        &self,
        prefix: Option<&str>,
        filter: DeletedFilter,
        offset: usize,
        limit: Option<usize>,
    ) -> Vec<String> {
        self.read(|s| {
            let matching = s
                .subjects
                .iter()
                .filter(|(name, _)| prefix.is_none_or(|p| name.starts_with(p)))
                .filter(|(_, vs)| match filter {
                    DeletedFilter::LiveOnly => vs.values().any(|e| !e.deleted),
                    DeletedFilter::All => !vs.is_empty(),
                    DeletedFilter::DeletedOnly => vs.values().all(|e| e.deleted),
                })
                .map(|(name, _)| name.clone());
            page(matching, offset, limit)
        })
    }

    /// `GET /subjects/{subject}/versions`.
    pub fn versions(
        &self,
        subject: &str,
        filter: DeletedFilter,
        offset: usize,
        limit: Option<usize>,
    ) -> Result<Vec<i32>, RegistryError> {
        self.read(|s| {
            let vs = s
                .subjects
                .get(subject)
                .filter(|vs| filter != DeletedFilter::LiveOnly || vs.values().any(|e| !e.deleted))
                .ok_or_else(|| RegistryError::SubjectNotFound(subject.to_owned()))?;
            Ok(page(
                vs.iter()
                    .filter(|(_, e)| filter.admits(e.deleted))
                    .map(|(v, _)| *v),
                offset,
                limit,
            ))
        })
    }

    /// `GET /subjects/{subject}/versions/{version}`.
    pub fn version(
        &self,
        subject: &str,
        selector: VersionSelector,
        include_deleted: bool,
    ) -> Result<SubjectSchema, RegistryError> {
        self.read(|s| {
            let vs = s
                .subjects
                .get(subject)
                .filter(|vs| include_deleted || vs.values().any(|e| !e.deleted))
                .ok_or_else(|| RegistryError::SubjectNotFound(subject.to_owned()))?;
            let found = match selector {
                VersionSelector::Latest => {
                    vs.iter().rev().find(|(_, e)| include_deleted || !e.deleted)
                }
                VersionSelector::Number(n) => vs
                    .get_key_value(&n)
                    .filter(|(_, e)| include_deleted || !e.deleted),
            };
            let (version, entry) = found.ok_or_else(|| {
                RegistryError::VersionNotFound(match selector {
                    VersionSelector::Latest => "latest".to_owned(),
                    VersionSelector::Number(n) => n.to_string(),
                })
            })?;
            let schema = s
                .schemas
                .get(&entry.schema_id)
                .ok_or(RegistryError::SchemaIdNotFound(entry.schema_id))?;
            Ok(SubjectSchema {
                subject: subject.to_owned(),
                version: *version,
                id: schema.id,
                schema_type: Some(schema.schema_type.as_str().to_owned()),
                references: schema.references.clone(),
                schema: schema.schema.clone(),
                deleted: entry.deleted,
            })
        })
    }

    /// `GET /subjects/{subject}/versions/{version}/referencedby`.
    pub fn referenced_by(
        &self,
        subject: &str,
        selector: VersionSelector,
        include_deleted: bool,
    ) -> Result<Vec<i64>, RegistryError> {
        let version = self.version(subject, selector, include_deleted)?.version;
        Ok(self.read(|s| s.referenced_by(subject, version, include_deleted)))
    }

    /// `GET /schemas/ids/{id}`: the pre-rendered body.
    pub fn schema_by_id_body(&self, id: i64) -> Result<Bytes, RegistryError> {
        self.read(|s| s.schemas.get(&id).map(|e| e.by_id_body.clone()))
            .ok_or(RegistryError::SchemaIdNotFound(id))
    }

    /// `GET /schemas/ids/{id}/schema`: the schema text itself.
    pub fn schema_text_by_id(&self, id: i64) -> Result<String, RegistryError> {
        self.read(|s| s.schemas.get(&id).map(|e| e.schema.clone()))
            .ok_or(RegistryError::SchemaIdNotFound(id))
    }

    /// `GET /schemas/ids/{id}/versions`: every subject version using the schema.
    pub fn versions_of_id(
        &self,
        id: i64,
        include_deleted: bool,
    ) -> Result<Vec<SubjectVersion>, RegistryError> {
        self.read(|s| {
            if !s.schemas.contains_key(&id) {
                return Err(RegistryError::SchemaIdNotFound(id));
            }
            Ok(s.subjects
                .iter()
                .flat_map(|(subject, vs)| {
                    vs.iter()
                        .filter(|(_, e)| e.schema_id == id && (include_deleted || !e.deleted))
                        .map(|(v, _)| SubjectVersion {
                            subject: subject.clone(),
                            version: *v,
                        })
                })
                .collect())
        })
    }

    /// `GET /schemas/ids/{id}/subjects`.
    pub fn subjects_of_id(
        &self,
        id: i64,
        include_deleted: bool,
    ) -> Result<Vec<String>, RegistryError> {
        let mut subjects: Vec<String> = self
            .versions_of_id(id, include_deleted)?
            .into_iter()
            .map(|sv| sv.subject)
            .collect();
        subjects.dedup();
        Ok(subjects)
    }

    /// `GET /schemas`.
    pub fn schemas(&self, q: &SchemaListQuery) -> Vec<SubjectSchema> {
        self.read(|s| {
            let items = s
                .subjects
                .iter()
                .filter(|(name, _)| {
                    q.subject_prefix
                        .as_deref()
                        .is_none_or(|p| name.starts_with(p))
                })
                .flat_map(|(subject, vs)| {
                    let admitted: Vec<_> =
                        vs.iter().filter(|(_, e)| q.deleted || !e.deleted).collect();
                    let chosen = if q.latest_only {
                        admitted.last().copied().into_iter().collect()
                    } else {
                        admitted
                    };
                    chosen.into_iter().filter_map(move |(v, e)| {
                        let schema = s.schemas.get(&e.schema_id)?;
                        Some(SubjectSchema {
                            subject: subject.clone(),
                            version: *v,
                            id: schema.id,
                            schema_type: Some(schema.schema_type.as_str().to_owned()),
                            references: schema.references.clone(),
                            schema: schema.schema.clone(),
                            deleted: e.deleted,
                        })
                    })
                });
            page(items, q.offset, q.limit)
        })
    }
}
