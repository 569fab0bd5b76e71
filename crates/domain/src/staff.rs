//! The staff register and duty rosters: who works for the service (guards, police
//! officers attached to a facility, administrative, health and technical staff), and who
//! is on duty where, shift by shift.
//!
//! Staff are not users: a guard need not have an account, and a user may be linked to at
//! most one staff member. A shift lasts at most [`MAX_SHIFT_HOURS`]: that bound is what
//! lets the stores answer "who was on duty at this instant" from the shifts that began in
//! the hours just before it, whatever the length of the history.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::patch::double_option;
use crate::text;
use crate::validation::{Collector, Invalid};
use crate::vocabulary;

vocabulary!(
    /// What a staff member does.
    StaffKind {
        /// A prison guard (agente de seguridad penitenciaria, ASP).
        PrisonGuard = "prison_guard",
        /// A police officer attached to a facility (who may serve away from their home
        /// facility).
        Police = "police",
        /// Administrative staff.
        Administrative = "administrative",
        /// Health staff.
        Health = "health",
        /// Technical staff (maintenance, systems).
        Technical = "technical",
        /// Anyone else.
        Other = "other",
    }
);

/// The longest a shift may last.
pub const MAX_SHIFT_HOURS: i64 = 24;
/// Longest names and ranks.
const MAX_NAME: usize = 100;
/// Longest post name.
const MAX_POST: usize = 100;
/// Most posts in one shift.
const MAX_POSTS: usize = 200;
/// Most staff on one shift.
pub const MAX_STAFF_PER_SHIFT: usize = 2_000;

/// The longest a shift may last, as a duration.
pub fn max_shift() -> SignedDuration {
    SignedDuration::from_hours(MAX_SHIFT_HOURS)
}

/// Whom to call when something happens to a staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmergencyContact {
    /// Name.
    pub name: String,
    /// How related to the staff member.
    pub relationship: String,
    /// Telephone number.
    pub phone: String,
}

fn contact(c: &mut Collector, field: &str, k: &EmergencyContact) {
    text::required(c, &format!("{field}.name"), &k.name, MAX_NAME);
    text::required(
        c,
        &format!("{field}.relationship"),
        &k.relationship,
        MAX_NAME,
    );
    text::required(c, &format!("{field}.phone"), &k.phone, 40);
}

/// A staff member to register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    /// The service number: upper-case letters, digits and single hyphens (e.g.
    /// `ASP-2019-0412`); unique.
    pub service_number: String,
    /// Given names.
    pub given_names: String,
    /// Surnames.
    pub surnames: String,
    /// What they do.
    pub kind: StaffKind,
    /// Rank or grade, if any.
    #[serde(default)]
    pub rank: Option<String>,
    /// The facility they belong to (by code).
    pub home_facility: String,
    /// Whom to call.
    #[serde(default)]
    pub emergency_contact: Option<EmergencyContact>,
    /// Whether in service (default true).
    #[serde(default)]
    pub active: Option<bool>,
    /// The username of the user account linked to them, if any.
    #[serde(default)]
    pub user: Option<String>,
}

impl NewStaff {
    /// Checks the fields on their own (the facility's existence and the uniqueness of
    /// the service number and of the user link are the store's to say).
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut c = Collector::default();
        text::code(&mut c, "service_number", &self.service_number, 32);
        text::required(&mut c, "given_names", &self.given_names, MAX_NAME);
        text::required(&mut c, "surnames", &self.surnames, MAX_NAME);
        if let Some(rank) = &self.rank {
            text::required(&mut c, "rank", rank, MAX_NAME);
        }
        text::code(&mut c, "home_facility", &self.home_facility, 32);
        if let Some(k) = &self.emergency_contact {
            contact(&mut c, "emergency_contact", k);
        }
        if let Some(user) = &self.user {
            text::required(&mut c, "user", user, 64);
        }
        c.finish()
    }
}

/// A partial change to a staff member; absent fields stay, `null` clears.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffPatch {
    /// New rank; null clears it.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub rank: Option<Option<String>>,
    /// New home facility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_facility: Option<String>,
    /// New emergency contact; null clears it.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<EmergencyContact>)]
    pub emergency_contact: Option<Option<EmergencyContact>>,
    /// In service or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The linked user's username; null unlinks.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub user: Option<Option<String>>,
}

impl StaffPatch {
    /// Checks the fields given.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut c = Collector::default();
        if let Some(Some(rank)) = &self.rank {
            text::required(&mut c, "rank", rank, MAX_NAME);
        }
        if let Some(home) = &self.home_facility {
            text::code(&mut c, "home_facility", home, 32);
        }
        if let Some(Some(k)) = &self.emergency_contact {
            contact(&mut c, "emergency_contact", k);
        }
        if let Some(Some(user)) = &self.user {
            text::required(&mut c, "user", user, 64);
        }
        c.finish()
    }
}

/// Whether a staff member may be on a shift at `facility`: at their home facility, or,
/// for a police officer, wherever they are attached.
pub fn may_serve_at(kind: StaffKind, home_facility: &str, facility: &str) -> bool {
    kind == StaffKind::Police || home_facility == facility
}

/// A named post on a shift and who holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Post {
    /// The post (e.g. `Garita 3`, `Pabellón A`).
    pub post: String,
    /// Staff at this post.
    pub staff_ids: Vec<i64>,
}

/// A shift to record at a facility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewShift {
    /// When it starts (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: Timestamp,
    /// When it ends: after it starts, at most 24 hours later.
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: Timestamp,
    /// Staff on duty (those also named at a post may be listed here too).
    #[serde(default)]
    pub staff_ids: Vec<i64>,
    /// Named posts and who holds each.
    #[serde(default)]
    pub posts: Vec<Post>,
}

/// One staff member on a shift: at a post or not, and where the request named them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The staff member.
    pub staff_id: i64,
    /// Their post, if named.
    pub post: Option<String>,
    /// Where the request named them first (e.g. `posts[0].staff_ids[2]`), for errors.
    pub field: String,
}

impl NewShift {
    /// Checks the shift and returns each staff member on it once, with their post.
    pub fn validate(&self) -> Result<Vec<Assignment>, Invalid> {
        let mut c = Collector::default();
        c.check(
            !crate::time::plausible(self.starts_at),
            "starts_at",
            "implausible_date",
            "starts_at is not a plausible date",
        );
        c.check(
            !crate::time::plausible(self.ends_at),
            "ends_at",
            "implausible_date",
            "ends_at is not a plausible date",
        );
        if self.ends_at <= self.starts_at {
            c.push(
                "ends_at",
                "not_after_start",
                "a shift must end after it starts",
            );
        } else if self.ends_at.duration_since(self.starts_at) > max_shift() {
            c.push(
                "ends_at",
                "too_long",
                format!("a shift lasts at most {MAX_SHIFT_HOURS} hours"),
            );
        }
        c.check(
            self.posts.len() > MAX_POSTS,
            "posts",
            "too_many",
            format!("a shift has at most {MAX_POSTS} posts"),
        );
        let mut out: Vec<Assignment> = Vec::new();
        let mut seen_posts: Vec<&str> = Vec::new();
        for (i, p) in self.posts.iter().take(MAX_POSTS).enumerate() {
            let field = format!("posts[{i}].post");
            text::required(&mut c, &field, &p.post, MAX_POST);
            if seen_posts.contains(&p.post.as_str()) {
                c.push(&field, "duplicate_post", "each post is named once");
            }
            seen_posts.push(&p.post);
            c.check(
                p.staff_ids.is_empty(),
                &format!("posts[{i}].staff_ids"),
                "empty",
                "a post needs at least one staff member",
            );
            for (j, id) in p.staff_ids.iter().enumerate() {
                let field = format!("posts[{i}].staff_ids[{j}]");
                if out.iter().any(|a| a.staff_id == *id) {
                    c.push(
                        &field,
                        "duplicate",
                        format!("staff member {id} is named twice in the posts"),
                    );
                    continue;
                }
                out.push(Assignment {
                    staff_id: *id,
                    post: Some(p.post.clone()),
                    field,
                });
            }
        }
        let mut listed: Vec<i64> = Vec::new();
        for (j, id) in self.staff_ids.iter().enumerate() {
            if listed.contains(id) {
                c.push(
                    &format!("staff_ids[{j}]"),
                    "duplicate",
                    format!("staff member {id} is listed twice"),
                );
                continue;
            }
            listed.push(*id);
            if !out.iter().any(|a| a.staff_id == *id) {
                out.push(Assignment {
                    staff_id: *id,
                    post: None,
                    field: format!("staff_ids[{j}]"),
                });
            }
        }
        c.check(
            out.is_empty(),
            "staff_ids",
            "empty",
            "a shift needs at least one staff member",
        );
        c.check(
            out.len() > MAX_STAFF_PER_SHIFT,
            "staff_ids",
            "too_many",
            format!("a shift has at most {MAX_STAFF_PER_SHIFT} staff members"),
        );
        c.finish()?;
        Ok(out)
    }
}

/// Whether a shift from `starts` to `ends` covers the instant `at` (it starts at or
/// before it and has not ended).
pub fn covers(starts: Timestamp, ends: Timestamp, at: Timestamp) -> bool {
    starts <= at && at < ends
}

/// Whether two shifts overlap (one ending as the other starts does not).
pub fn overlap(a: (Timestamp, Timestamp), b: (Timestamp, Timestamp)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// The earliest start of a shift that can still be under way at `at`: the stores look
/// only at shifts starting from then.
pub fn earliest_start_covering(at: Timestamp) -> Timestamp {
    at.checked_sub(max_shift()).unwrap_or(Timestamp::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn shift(starts: &str, ends: &str, staff: Vec<i64>, posts: Vec<(&str, Vec<i64>)>) -> NewShift {
        NewShift {
            starts_at: at(starts),
            ends_at: at(ends),
            staff_ids: staff,
            posts: posts
                .into_iter()
                .map(|(p, ids)| Post {
                    post: p.to_owned(),
                    staff_ids: ids,
                })
                .collect(),
        }
    }

    fn codes(r: Result<Vec<Assignment>, Invalid>) -> Vec<String> {
        r.err()
            .map(|e| {
                e.0.into_iter()
                    .map(|e| format!("{}:{}", e.field, e.code))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn a_good_shift_lists_each_staff_member_once_with_their_post() {
        let s = shift(
            "2023-08-30T12:00:00Z",
            "2023-08-31T00:00:00Z",
            vec![3, 1],
            vec![("Garita 1", vec![1, 2])],
        );
        let got = s.validate().unwrap();
        let pairs: Vec<(i64, Option<&str>)> = got
            .iter()
            .map(|a| (a.staff_id, a.post.as_deref()))
            .collect();
        assert_eq!(
            pairs,
            [(1, Some("Garita 1")), (2, Some("Garita 1")), (3, None)]
        );
        assert_eq!(got[2].field, "staff_ids[0]");
    }

    #[test]
    fn bad_shifts_name_the_field() {
        let cases = [
            (
                shift(
                    "2023-08-30T12:00:00Z",
                    "2023-08-30T12:00:00Z",
                    vec![1],
                    vec![],
                ),
                vec!["ends_at:not_after_start"],
            ),
            (
                shift(
                    "2023-08-30T12:00:00Z",
                    "2023-08-31T12:00:01Z",
                    vec![1],
                    vec![],
                ),
                vec!["ends_at:too_long"],
            ),
            (
                shift(
                    "2023-08-30T12:00:00Z",
                    "2023-08-30T20:00:00Z",
                    vec![],
                    vec![],
                ),
                vec!["staff_ids:empty"],
            ),
            (
                shift(
                    "2023-08-30T12:00:00Z",
                    "2023-08-30T20:00:00Z",
                    vec![1, 1],
                    vec![],
                ),
                vec!["staff_ids[1]:duplicate"],
            ),
            (
                shift(
                    "2023-08-30T12:00:00Z",
                    "2023-08-30T20:00:00Z",
                    vec![],
                    vec![("A", vec![1]), ("B", vec![1])],
                ),
                vec!["posts[1].staff_ids[0]:duplicate"],
            ),
            (
                shift(
                    "2023-08-30T12:00:00Z",
                    "2023-08-30T20:00:00Z",
                    vec![],
                    vec![("A", vec![1]), ("A", vec![2]), (" ", vec![])],
                ),
                vec![
                    "posts[1].post:duplicate_post",
                    "posts[2].post:required",
                    "posts[2].staff_ids:empty",
                ],
            ),
            (
                shift(
                    "1800-08-30T12:00:00Z",
                    "1800-08-30T20:00:00Z",
                    vec![1],
                    vec![],
                ),
                vec!["starts_at:implausible_date", "ends_at:implausible_date"],
            ),
        ];
        for (s, expected) in cases {
            assert_eq!(codes(s.validate()), expected, "{s:?}");
        }
        // A staff member both listed and at a post is one assignment, at the post.
        let s = shift(
            "2023-08-30T12:00:00Z",
            "2023-08-30T20:00:00Z",
            vec![1],
            vec![("A", vec![1])],
        );
        assert_eq!(s.validate().unwrap().len(), 1);
    }

    #[test]
    fn who_may_serve_where() {
        assert!(may_serve_at(StaffKind::PrisonGuard, "CPL-AZ-1", "CPL-AZ-1"));
        assert!(!may_serve_at(
            StaffKind::PrisonGuard,
            "CPL-GY-1",
            "CPL-AZ-1"
        ));
        assert!(may_serve_at(StaffKind::Police, "CPL-GY-1", "CPL-AZ-1"));
        assert!(!may_serve_at(StaffKind::Health, "CPL-GY-1", "CPL-AZ-1"));
    }

    #[test]
    fn staff_fields() {
        let good = NewStaff {
            service_number: "ASP-2019-0412".into(),
            given_names: "Carlos Andrés".into(),
            surnames: "Vera Loor".into(),
            kind: StaffKind::PrisonGuard,
            rank: Some("Agente de primera".into()),
            home_facility: "CPL-AZ-1".into(),
            emergency_contact: Some(EmergencyContact {
                name: "Rosa Loor".into(),
                relationship: "madre".into(),
                phone: "+593 99 123 4567".into(),
            }),
            active: None,
            user: None,
        };
        assert!(good.validate().is_ok());
        let bad = NewStaff {
            service_number: "asp 1".into(),
            given_names: " ".into(),
            rank: Some(String::new()),
            emergency_contact: Some(EmergencyContact {
                phone: String::new(),
                ..good.emergency_contact.clone().unwrap()
            }),
            ..good
        };
        let codes: Vec<String> = bad
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect();
        assert_eq!(
            codes,
            [
                "service_number:bad_code",
                "given_names:required",
                "rank:required",
                "emergency_contact.phone:required"
            ]
        );
    }

    const YEAR_US: i64 = 366 * 86_400_000_000;
    const DAY_US: i64 = 86_400_000_000;

    proptest! {
        /// A shift that passes validation and covers an instant started no earlier than
        /// `earliest_start_covering` of it: the stores' window loses no one on duty.
        #[test]
        fn the_window_loses_no_one_on_duty(
            start in 1_600_000_000_000_000i64..1_600_000_000_000_000 + YEAR_US,
            length in 1i64..=DAY_US,
            offset in -DAY_US..2 * DAY_US,
        ) {
            let s = shift("2000-01-01T00:00:00Z", "2000-01-01T01:00:00Z", vec![1], vec![]);
            let s = NewShift {
                starts_at: Timestamp::from_microsecond(start).unwrap(),
                ends_at: Timestamp::from_microsecond(start + length).unwrap(),
                ..s
            };
            prop_assert!(s.validate().is_ok());
            let instant = Timestamp::from_microsecond(start + offset).unwrap();
            if covers(s.starts_at, s.ends_at, instant) {
                prop_assert!(s.starts_at >= earliest_start_covering(instant));
            }
            // Overlap with another valid shift is found among those starting within
            // the window before the other's start.
            let other = (instant, instant + SignedDuration::from_hours(8));
            if overlap((s.starts_at, s.ends_at), other) {
                prop_assert!(s.starts_at >= earliest_start_covering(other.0));
                prop_assert!(s.starts_at < other.1);
            }
        }
    }
}
