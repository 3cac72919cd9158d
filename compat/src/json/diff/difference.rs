//! One change between two JSON schemas, as Confluent's `Difference` names, words and judges it,
//! with a short fix hint of Sluice's own.

use std::fmt;

macro_rules! difference_types {
    ($($variant:ident => $name:literal,)*) => {
        /// Confluent's `Difference.Type`: what changed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum DifferenceType {
            $($variant,)*
        }

        impl DifferenceType {
            /// Every type, in Confluent's order.
            pub const ALL: &'static [DifferenceType] = &[$(Self::$variant,)*];

            /// The name Confluent prints, e.g. `TYPE_CHANGED`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }
        }
    };
}

difference_types! {
    IdChanged => "ID_CHANGED",
    DescriptionChanged => "DESCRIPTION_CHANGED",
    TitleChanged => "TITLE_CHANGED",
    DefaultChanged => "DEFAULT_CHANGED",
    SchemaAdded => "SCHEMA_ADDED",
    SchemaRemoved => "SCHEMA_REMOVED",
    TypeExtended => "TYPE_EXTENDED",
    TypeNarrowed => "TYPE_NARROWED",
    TypeChanged => "TYPE_CHANGED",
    MaxLengthAdded => "MAX_LENGTH_ADDED",
    MaxLengthRemoved => "MAX_LENGTH_REMOVED",
    MaxLengthIncreased => "MAX_LENGTH_INCREASED",
    MaxLengthDecreased => "MAX_LENGTH_DECREASED",
    MinLengthAdded => "MIN_LENGTH_ADDED",
    MinLengthRemoved => "MIN_LENGTH_REMOVED",
    MinLengthIncreased => "MIN_LENGTH_INCREASED",
    MinLengthDecreased => "MIN_LENGTH_DECREASED",
    PatternAdded => "PATTERN_ADDED",
    PatternRemoved => "PATTERN_REMOVED",
    PatternChanged => "PATTERN_CHANGED",
    MaximumAdded => "MAXIMUM_ADDED",
    MaximumRemoved => "MAXIMUM_REMOVED",
    MaximumIncreased => "MAXIMUM_INCREASED",
    MaximumDecreased => "MAXIMUM_DECREASED",
    MinimumAdded => "MINIMUM_ADDED",
    MinimumRemoved => "MINIMUM_REMOVED",
    MinimumIncreased => "MINIMUM_INCREASED",
    MinimumDecreased => "MINIMUM_DECREASED",
    ExclusiveMaximumAdded => "EXCLUSIVE_MAXIMUM_ADDED",
    ExclusiveMaximumRemoved => "EXCLUSIVE_MAXIMUM_REMOVED",
    ExclusiveMaximumIncreased => "EXCLUSIVE_MAXIMUM_INCREASED",
    ExclusiveMaximumDecreased => "EXCLUSIVE_MAXIMUM_DECREASED",
    ExclusiveMinimumAdded => "EXCLUSIVE_MINIMUM_ADDED",
    ExclusiveMinimumRemoved => "EXCLUSIVE_MINIMUM_REMOVED",
    ExclusiveMinimumIncreased => "EXCLUSIVE_MINIMUM_INCREASED",
    ExclusiveMinimumDecreased => "EXCLUSIVE_MINIMUM_DECREASED",
    MultipleOfAdded => "MULTIPLE_OF_ADDED",
    MultipleOfRemoved => "MULTIPLE_OF_REMOVED",
    MultipleOfExpanded => "MULTIPLE_OF_EXPANDED",
    MultipleOfReduced => "MULTIPLE_OF_REDUCED",
    MultipleOfChanged => "MULTIPLE_OF_CHANGED",
    RequiredAttributeAdded => "REQUIRED_ATTRIBUTE_ADDED",
    RequiredAttributeWithDefaultAdded => "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED",
    RequiredAttributeRemoved => "REQUIRED_ATTRIBUTE_REMOVED",
    MaxPropertiesAdded => "MAX_PROPERTIES_ADDED",
    MaxPropertiesRemoved => "MAX_PROPERTIES_REMOVED",
    MaxPropertiesIncreased => "MAX_PROPERTIES_INCREASED",
    MaxPropertiesDecreased => "MAX_PROPERTIES_DECREASED",
    MinPropertiesAdded => "MIN_PROPERTIES_ADDED",
    MinPropertiesRemoved => "MIN_PROPERTIES_REMOVED",
    MinPropertiesIncreased => "MIN_PROPERTIES_INCREASED",
    MinPropertiesDecreased => "MIN_PROPERTIES_DECREASED",
    AdditionalPropertiesAdded => "ADDITIONAL_PROPERTIES_ADDED",
    AdditionalPropertiesRemoved => "ADDITIONAL_PROPERTIES_REMOVED",
    AdditionalPropertiesExtended => "ADDITIONAL_PROPERTIES_EXTENDED",
    AdditionalPropertiesNarrowed => "ADDITIONAL_PROPERTIES_NARROWED",
    DependencyArrayAdded => "DEPENDENCY_ARRAY_ADDED",
    DependencyArrayRemoved => "DEPENDENCY_ARRAY_REMOVED",
    DependencyArrayExtended => "DEPENDENCY_ARRAY_EXTENDED",
    DependencyArrayNarrowed => "DEPENDENCY_ARRAY_NARROWED",
    DependencyArrayChanged => "DEPENDENCY_ARRAY_CHANGED",
    DependencySchemaAdded => "DEPENDENCY_SCHEMA_ADDED",
    DependencySchemaRemoved => "DEPENDENCY_SCHEMA_REMOVED",
    PropertyAddedToOpenContentModel => "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    RequiredPropertyAddedToOpenContentModel => "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    RequiredPropertyWithDefaultAddedToOpenContentModel => "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL",
    OptionalPropertyAddedToOpenContentModel => "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    PropertyWithEmptySchemaAddedToOpenContentModel => "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
    RequiredPropertyAddedToUnopenContentModel => "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
    RequiredPropertyWithDefaultAddedToUnopenContentModel => "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
    OptionalPropertyAddedToUnopenContentModel => "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
    PropertyRemovedFromOpenContentModel => "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
    PropertyWithFalseRemovedFromClosedContentModel => "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    PropertyRemovedFromClosedContentModel => "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    PropertyRemovedIsCoveredByPartiallyOpenContentModel => "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    PropertyRemovedNotCoveredByPartiallyOpenContentModel => "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    PropertyAddedIsCoveredByPartiallyOpenContentModel => "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    PropertyAddedNotCoveredByPartiallyOpenContentModel => "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    ReservedPropertyRemoved => "RESERVED_PROPERTY_REMOVED",
    ReservedPropertyConflictsWithProperty => "RESERVED_PROPERTY_CONFLICTS_WITH_PROPERTY",
    UnevaluatedPropertiesAdded => "UNEVALUATED_PROPERTIES_ADDED",
    UnevaluatedPropertiesRemoved => "UNEVALUATED_PROPERTIES_REMOVED",
    UnevaluatedPropertiesExtended => "UNEVALUATED_PROPERTIES_EXTENDED",
    UnevaluatedPropertiesNarrowed => "UNEVALUATED_PROPERTIES_NARROWED",
    MaxItemsAdded => "MAX_ITEMS_ADDED",
    MaxItemsRemoved => "MAX_ITEMS_REMOVED",
    MaxItemsIncreased => "MAX_ITEMS_INCREASED",
    MaxItemsDecreased => "MAX_ITEMS_DECREASED",
    MinItemsAdded => "MIN_ITEMS_ADDED",
    MinItemsRemoved => "MIN_ITEMS_REMOVED",
    MinItemsIncreased => "MIN_ITEMS_INCREASED",
    MinItemsDecreased => "MIN_ITEMS_DECREASED",
    MaxContainsAdded => "MAX_CONTAINS_ADDED",
    MaxContainsRemoved => "MAX_CONTAINS_REMOVED",
    MaxContainsIncreased => "MAX_CONTAINS_INCREASED",
    MaxContainsDecreased => "MAX_CONTAINS_DECREASED",
    MinContainsAdded => "MIN_CONTAINS_ADDED",
    MinContainsRemoved => "MIN_CONTAINS_REMOVED",
    MinContainsIncreased => "MIN_CONTAINS_INCREASED",
    MinContainsDecreased => "MIN_CONTAINS_DECREASED",
    UniqueItemsAdded => "UNIQUE_ITEMS_ADDED",
    UniqueItemsRemoved => "UNIQUE_ITEMS_REMOVED",
    AdditionalItemsAdded => "ADDITIONAL_ITEMS_ADDED",
    AdditionalItemsRemoved => "ADDITIONAL_ITEMS_REMOVED",
    AdditionalItemsExtended => "ADDITIONAL_ITEMS_EXTENDED",
    AdditionalItemsNarrowed => "ADDITIONAL_ITEMS_NARROWED",
    UnevaluatedItemsAdded => "UNEVALUATED_ITEMS_ADDED",
    UnevaluatedItemsRemoved => "UNEVALUATED_ITEMS_REMOVED",
    UnevaluatedItemsExtended => "UNEVALUATED_ITEMS_EXTENDED",
    UnevaluatedItemsNarrowed => "UNEVALUATED_ITEMS_NARROWED",
    ItemAddedToOpenContentModel => "ITEM_ADDED_TO_OPEN_CONTENT_MODEL",
    ItemWithEmptySchemaAddedToOpenContentModel => "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
    ItemAddedToClosedContentModel => "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
    ItemRemovedFromOpenContentModel => "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
    ItemWithFalseRemovedFromClosedContentModel => "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    ItemRemovedFromClosedContentModel => "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    ItemRemovedIsCoveredByPartiallyOpenContentModel => "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    ItemRemovedNotCoveredByPartiallyOpenContentModel => "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    ItemAddedIsCoveredByPartiallyOpenContentModel => "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    ItemAddedNotCoveredByPartiallyOpenContentModel => "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    EnumArrayExtended => "ENUM_ARRAY_EXTENDED",
    EnumArrayNarrowed => "ENUM_ARRAY_NARROWED",
    EnumArrayChanged => "ENUM_ARRAY_CHANGED",
    CombinedTypeExtended => "COMBINED_TYPE_EXTENDED",
    CombinedTypeChanged => "COMBINED_TYPE_CHANGED",
    ProductTypeExtended => "PRODUCT_TYPE_EXTENDED",
    ProductTypeNarrowed => "PRODUCT_TYPE_NARROWED",
    SumTypeExtended => "SUM_TYPE_EXTENDED",
    SumTypeNarrowed => "SUM_TYPE_NARROWED",
    CombinedTypeSubschemasChanged => "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
    NotTypeExtended => "NOT_TYPE_EXTENDED",
    NotTypeNarrowed => "NOT_TYPE_NARROWED",
}

impl std::str::FromStr for DifferenceType {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == name)
            .ok_or_else(|| format!("unknown JSON Schema difference type '{name}'"))
    }
}

impl fmt::Display for DifferenceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which changes a JSON Schema compatibility check tolerates (Confluent's
/// `compatibilityPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CompatibilityPolicy {
    /// Confluent's default: `COMPATIBLE_CHANGES_STRICT`.
    #[default]
    Strict,
    /// `COMPATIBLE_CHANGES_LENIENT`: also tolerates closing or narrowing an open content model
    /// and adding properties to one.
    Lenient,
}

impl CompatibilityPolicy {
    /// Reads a config value (`STRICT`, `LENIENT`, any case); `None` for anything else.
    pub fn parse(value: &str) -> Option<Self> {
        if value.eq_ignore_ascii_case("strict") {
            Some(Self::Strict)
        } else if value.eq_ignore_ascii_case("lenient") {
            Some(Self::Lenient)
        } else {
            None
        }
    }

    /// Whether a change of type `kind` keeps the new schema compatible under this policy.
    pub fn tolerates(self, kind: DifferenceType) -> bool {
        use DifferenceType as T;
        let strict = matches!(
            kind,
            T::IdChanged
                | T::DescriptionChanged
                | T::TitleChanged
                | T::DefaultChanged
                | T::SchemaRemoved
                | T::TypeExtended
                | T::MaxLengthIncreased
                | T::MaxLengthRemoved
                | T::MinLengthDecreased
                | T::MinLengthRemoved
                | T::PatternRemoved
                | T::MaximumIncreased
                | T::MaximumRemoved
                | T::MinimumDecreased
                | T::MinimumRemoved
                | T::ExclusiveMaximumIncreased
                | T::ExclusiveMaximumRemoved
                | T::ExclusiveMinimumDecreased
                | T::ExclusiveMinimumRemoved
                | T::MultipleOfReduced
                | T::MultipleOfRemoved
                | T::RequiredAttributeWithDefaultAdded
                | T::RequiredAttributeRemoved
                | T::DependencyArrayNarrowed
                | T::DependencyArrayRemoved
                | T::DependencySchemaRemoved
                | T::MaxPropertiesIncreased
                | T::MaxPropertiesRemoved
                | T::MinPropertiesDecreased
                | T::MinPropertiesRemoved
                | T::AdditionalPropertiesAdded
                | T::AdditionalPropertiesExtended
                | T::UnevaluatedPropertiesAdded
                | T::UnevaluatedPropertiesExtended
                | T::PropertyWithEmptySchemaAddedToOpenContentModel
                | T::RequiredPropertyWithDefaultAddedToUnopenContentModel
                | T::OptionalPropertyAddedToUnopenContentModel
                | T::PropertyWithFalseRemovedFromClosedContentModel
                | T::PropertyRemovedFromOpenContentModel
                | T::PropertyAddedIsCoveredByPartiallyOpenContentModel
                | T::PropertyRemovedIsCoveredByPartiallyOpenContentModel
                | T::MaxItemsIncreased
                | T::MaxItemsRemoved
                | T::MinItemsDecreased
                | T::MinItemsRemoved
                | T::MaxContainsIncreased
                | T::MaxContainsRemoved
                | T::MinContainsDecreased
                | T::MinContainsRemoved
                | T::UniqueItemsRemoved
                | T::AdditionalItemsAdded
                | T::AdditionalItemsExtended
                | T::UnevaluatedItemsAdded
                | T::UnevaluatedItemsExtended
                | T::ItemWithEmptySchemaAddedToOpenContentModel
                | T::ItemAddedToClosedContentModel
                | T::ItemWithFalseRemovedFromClosedContentModel
                | T::ItemRemovedFromOpenContentModel
                | T::ItemAddedIsCoveredByPartiallyOpenContentModel
                | T::ItemRemovedIsCoveredByPartiallyOpenContentModel
                | T::EnumArrayExtended
                | T::CombinedTypeExtended
                | T::ProductTypeNarrowed
                | T::SumTypeExtended
                | T::NotTypeNarrowed
        );
        strict
            || (self == Self::Lenient
                && matches!(
                    kind,
                    T::AdditionalPropertiesNarrowed
                        | T::AdditionalPropertiesRemoved
                        | T::UnevaluatedPropertiesNarrowed
                        | T::UnevaluatedPropertiesRemoved
                        | T::PropertyAddedToOpenContentModel
                        | T::RequiredPropertyWithDefaultAddedToOpenContentModel
                        | T::OptionalPropertyAddedToOpenContentModel
                        | T::PropertyRemovedFromClosedContentModel
                        | T::PropertyAddedNotCoveredByPartiallyOpenContentModel
                        | T::PropertyRemovedNotCoveredByPartiallyOpenContentModel
                ))
    }
}

/// One change found comparing an original schema with an update.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Difference {
    pub kind: DifferenceType,
    /// Where, as a JSON path into the update, e.g. `#/properties/a`.
    pub path: String,
}

impl Difference {
    /// Confluent's description, naming the update and the original as `update`/`original` (in a
    /// registry check: `new`/`old` under BACKWARD, `old`/`new` under FORWARD). Empty for the
    /// types Confluent has no words for.
    pub fn description(&self, update: &str, original: &str) -> String {
        use DifferenceType as T;
        let p = &self.path;
        let (u, o) = (update, original);
        match self.kind {
            T::MaximumAdded
            | T::MinimumAdded
            | T::ExclusiveMaximumAdded
            | T::ExclusiveMinimumAdded
            | T::MultipleOfAdded
            | T::MaxLengthAdded
            | T::MinLengthAdded
            | T::PatternAdded
            | T::RequiredAttributeAdded
            | T::MaxPropertiesAdded
            | T::MinPropertiesAdded
            | T::DependencyArrayAdded
            | T::DependencySchemaAdded
            | T::MaxItemsAdded
            | T::MinItemsAdded
            | T::MaxContainsAdded
            | T::MinContainsAdded
            | T::UniqueItemsAdded
            | T::AdditionalItemsRemoved
            | T::AdditionalPropertiesRemoved
            | T::UnevaluatedPropertiesRemoved
            | T::UnevaluatedItemsRemoved => format!(
                "The keyword at path '{p}' in the {u} schema is not present in the {o} schema"
            ),
            T::MinLengthIncreased
            | T::MinimumIncreased
            | T::ExclusiveMinimumIncreased
            | T::MinPropertiesIncreased
            | T::MultipleOfExpanded
            | T::MinItemsIncreased
            | T::MinContainsIncreased => format!(
                "The value at path '{p}' in the {u} schema is more than its value in the {o} schema"
            ),
            T::MaxLengthDecreased
            | T::MaximumDecreased
            | T::MaxItemsDecreased
            | T::MaxContainsDecreased
            | T::ExclusiveMaximumDecreased
            | T::MaxPropertiesDecreased => format!(
                "The value at path '{p}' in the {u} schema is less than its value in the {o} schema"
            ),
            T::PatternChanged | T::MultipleOfChanged | T::DependencyArrayChanged => {
                format!("The value at path '{p}' is different between the {u} and {o} schema")
            }
            T::AdditionalItemsNarrowed
            | T::EnumArrayNarrowed
            | T::SumTypeNarrowed
            | T::AdditionalPropertiesNarrowed
            | T::UnevaluatedPropertiesNarrowed
            | T::UnevaluatedItemsNarrowed => format!(
                "An array or combined type at path '{p}' has fewer elements in the {u} schema than the {o} schema"
            ),
            T::DependencyArrayExtended
            | T::ProductTypeExtended
            | T::SumTypeExtended
            | T::NotTypeExtended => format!(
                "An array or combined type at path '{p}' has more elements in the {u} schema than the {o} schema"
            ),
            T::TypeChanged
            | T::TypeNarrowed
            | T::CombinedTypeChanged
            | T::CombinedTypeSubschemasChanged
            | T::EnumArrayChanged => format!(
                "A type at path '{p}' is different between the {u} schema and the {o} schema"
            ),
            T::RequiredPropertyAddedToOpenContentModel
            | T::RequiredPropertyWithDefaultAddedToOpenContentModel
            | T::OptionalPropertyAddedToOpenContentModel
            | T::ItemAddedToOpenContentModel => format!(
                "The {u} schema has an open content model and has a property or item at path '{p}' which is missing in the {o} schema"
            ),
            T::RequiredPropertyAddedToUnopenContentModel => format!(
                "The {u} schema has an unopen content model and has a required property at path '{p}' which is missing in the {o} schema"
            ),
            T::PropertyRemovedFromClosedContentModel | T::ItemRemovedFromClosedContentModel => {
                format!(
                    "The {u} schema has a closed content model and is missing a property or item present at path '{p}' in the {o} schema"
                )
            }
            T::PropertyRemovedNotCoveredByPartiallyOpenContentModel
            | T::ItemRemovedNotCoveredByPartiallyOpenContentModel => format!(
                "A property or item is missing in the {u} schema but present at path '{p}' in the {o} schema and is not covered by its partially open content model"
            ),
            T::PropertyAddedNotCoveredByPartiallyOpenContentModel
            | T::ItemAddedNotCoveredByPartiallyOpenContentModel => format!(
                "The {u} schema has a property or item at path '{p}' which is missing in the {o} schema and is not covered by its partially open content model"
            ),
            T::ReservedPropertyRemoved => format!(
                "The {u} schema has reserved property '{p}' removed from its metadata which is present in the {o} schema."
            ),
            T::ReservedPropertyConflictsWithProperty => format!(
                "The {u} schema has property at path '{p}' that conflicts with the reserved properties which is missing in the {o} schema."
            ),
            _ => String::new(),
        }
    }

    /// Confluent's message for this difference: `{errorType:"…", description:"…"}`.
    pub fn message(&self, update: &str, original: &str) -> String {
        format!(
            "{{errorType:\"{}\", description:\"{}\"}}",
            self.kind,
            self.description(update, original)
        )
    }

    /// A short suggestion to make the change compatible (Sluice's own words, for people; never
    /// part of Confluent's message).
    pub fn hint(&self) -> &'static str {
        use DifferenceType as T;
        match self.kind {
            T::OptionalPropertyAddedToOpenContentModel
            | T::RequiredPropertyAddedToOpenContentModel
            | T::RequiredPropertyWithDefaultAddedToOpenContentModel
            | T::PropertyAddedToOpenContentModel => {
                "the old schema allows any extra property, so old data may hold this name with another type: close the old model with additionalProperties:false before adding properties, or use the LENIENT policy"
            }
            T::RequiredPropertyAddedToUnopenContentModel | T::RequiredAttributeAdded => {
                "old data may lack this property: make it optional, or give it a default"
            }
            T::PropertyRemovedFromClosedContentModel => {
                "old data may hold this property and the closed model now rejects it: keep the property, or open the model"
            }
            T::PropertyAddedNotCoveredByPartiallyOpenContentModel
            | T::PropertyRemovedNotCoveredByPartiallyOpenContentModel
            | T::ItemAddedNotCoveredByPartiallyOpenContentModel
            | T::ItemRemovedNotCoveredByPartiallyOpenContentModel => {
                "make the property's schema match the additionalProperties/patternProperties schema that covers its name"
            }
            T::ItemAddedToOpenContentModel => {
                "old arrays may hold any value at this position: add only an empty schema ({} or true) here, or close the old model with additionalItems:false"
            }
            T::ItemRemovedFromClosedContentModel => {
                "old arrays may have an item at this position: keep the item schema, or allow additional items"
            }
            T::TypeChanged | T::TypeNarrowed | T::EnumArrayChanged => {
                "keep the old type, or add the new one alongside it with oneOf/anyOf"
            }
            T::CombinedTypeChanged | T::CombinedTypeSubschemasChanged | T::SumTypeNarrowed => {
                "keep every old alternative: each old subschema needs a compatible new one"
            }
            T::ProductTypeExtended => "do not add allOf constraints old data may not meet",
            T::EnumArrayNarrowed => "keep every old enum value",
            T::NotTypeExtended => "do not widen what 'not' excludes",
            T::SchemaAdded => "do not add a schema where the old one allowed anything",
            T::AdditionalPropertiesRemoved
            | T::AdditionalPropertiesNarrowed
            | T::UnevaluatedPropertiesRemoved
            | T::UnevaluatedPropertiesNarrowed
            | T::AdditionalItemsRemoved
            | T::AdditionalItemsNarrowed
            | T::UnevaluatedItemsRemoved
            | T::UnevaluatedItemsNarrowed => {
                "old data may carry extra members: keep the content model as open as before (or use the LENIENT policy for properties)"
            }
            T::MaxLengthAdded
            | T::MaxLengthDecreased
            | T::MinLengthAdded
            | T::MinLengthIncreased
            | T::PatternAdded
            | T::PatternChanged
            | T::MaximumAdded
            | T::MaximumDecreased
            | T::MinimumAdded
            | T::MinimumIncreased
            | T::ExclusiveMaximumAdded
            | T::ExclusiveMaximumDecreased
            | T::ExclusiveMinimumAdded
            | T::ExclusiveMinimumIncreased
            | T::MultipleOfAdded
            | T::MultipleOfExpanded
            | T::MultipleOfChanged
            | T::MaxPropertiesAdded
            | T::MaxPropertiesDecreased
            | T::MinPropertiesAdded
            | T::MinPropertiesIncreased
            | T::MaxItemsAdded
            | T::MaxItemsDecreased
            | T::MinItemsAdded
            | T::MinItemsIncreased
            | T::MaxContainsAdded
            | T::MaxContainsDecreased
            | T::MinContainsAdded
            | T::MinContainsIncreased
            | T::UniqueItemsAdded
            | T::DependencyArrayAdded
            | T::DependencyArrayExtended
            | T::DependencyArrayChanged
            | T::DependencySchemaAdded => {
                "old data may not meet the tighter constraint: keep it as loose as before"
            }
            T::ReservedPropertyRemoved | T::ReservedPropertyConflictsWithProperty => {
                "reserved property names cannot be released or reused"
            }
            _ => "",
        }
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in DifferenceType::ALL {
            assert_eq!(kind.as_str().parse::<DifferenceType>(), Ok(*kind));
        }
        assert_eq!(DifferenceType::ALL.len(), 132);
    }

    #[test]
    fn lenient_tolerates_more_than_strict() {
        for kind in DifferenceType::ALL {
            if CompatibilityPolicy::Strict.tolerates(*kind) {
                assert!(CompatibilityPolicy::Lenient.tolerates(*kind), "{kind}");
            }
        }
        let added = DifferenceType::OptionalPropertyAddedToOpenContentModel;
        assert!(!CompatibilityPolicy::Strict.tolerates(added));
        assert!(CompatibilityPolicy::Lenient.tolerates(added));
    }

    #[test]
    fn message_is_worded_like_confluent() {
        let d = Difference {
            kind: DifferenceType::RequiredPropertyAddedToUnopenContentModel,
            path: "#/properties/foo".into(),
        };
        assert_eq!(
            d.message("new", "old"),
            "{errorType:\"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL\", description:\"The new schema has an unopen content model and has a required property at path '#/properties/foo' which is missing in the old schema\"}"
        );
        assert!(!d.hint().is_empty());
    }
}
