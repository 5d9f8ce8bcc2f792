//! Closed sets of names that cross the desk's edges — stored in the
//! database, written in URLs and JSON — each parsed and printed one way.

/// A value that did not name any member of a closed set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
}

/// A member of a closed set with a stable wire name. The store keeps such
/// values as their names in text columns, so stored state is typed all the
/// way down.
pub trait WireName: Copy + Sized + Send + Sync + std::fmt::Debug + 'static {
    /// The stable wire name (database, URLs, JSON).
    fn wire_name(self) -> &'static str;

    /// The member named `name`, exactly.
    fn from_wire_name(name: &str) -> Result<Self, UnknownValue>;
}

/// Declares a closed set of wire names with `as_str`, `Display`, `FromStr`,
/// `ALL` and [`WireName`], so that every such set is parsed and printed the
/// same way.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $wire)] $variant),+ }

        impl $name {
            /// Every member, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable wire name (database, URLs, JSON).
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::wire::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    other => Err($crate::wire::UnknownValue { what: $what, value: other.to_owned() }),
                }
            }
        }

        impl $crate::wire::WireName for $name {
            fn wire_name(self) -> &'static str {
                self.as_str()
            }

            fn from_wire_name(name: &str) -> Result<Self, $crate::wire::UnknownValue> {
                name.parse()
            }
        }
    };
}
pub(crate) use wire_enum;
