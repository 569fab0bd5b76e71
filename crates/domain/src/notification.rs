//! Mandatory notifications: what the law requires to be told to whom, and by when.
//! The system creates them as tracked tasks when the fact is recorded; staff record how
//! and to whom each was done.

use jiff::SignedDuration;

use crate::vocabulary;

vocabulary!(
    /// Who must be told.
    Recipient {
        /// The judicial or competent authority (Mandela Rule 71).
        JudicialAuthority = "judicial_authority",
        /// The next of kin (Rule 69).
        NextOfKin = "next_of_kin",
        /// The family contact of a transferred person (Rule 68).
        FamilyContact = "family_contact",
        /// The judge of a pretrial detainee who is transferred.
        Judge = "judge",
        /// The national operations centre.
        NationalOperations = "national_operations",
    }
);

vocabulary!(
    /// Why a notification is due.
    NotificationReason {
        /// A death in custody.
        Death = "death",
        /// A disappearance (escape) from custody.
        Disappearance = "disappearance",
        /// A serious injury in custody.
        SeriousInjury = "serious_injury",
        /// A transfer to another facility.
        Transfer = "transfer",
        /// A hostage-taking.
        HostageTaking = "hostage_taking",
    }
);

vocabulary!(
    /// Where a notification stands.
    NotificationStatus {
        /// To be done.
        Pending = "pending",
        /// Done: how and to whom is recorded.
        Done = "done",
    }
);

/// How a notification was made.
pub const CHANNELS: &[&str] = &[
    "phone",
    "in_person",
    "email",
    "letter",
    "official_letter",
    "radio",
    "other",
];

/// The notifications a fact requires and the time each is due after the fact. The rules
/// say "without delay" and "immediately"; the service's policy turns that into hours so
/// that an undone notification becomes an alert: national operations within 15 minutes
/// of a hostage-taking, the authority and the family the same day for deaths,
/// disappearances and serious injuries, the family and the judge within a day of a
/// transfer.
pub fn required(reason: NotificationReason, pretrial: bool) -> Vec<(Recipient, SignedDuration)> {
    use NotificationReason::*;
    use Recipient::*;
    let hours = SignedDuration::from_hours;
    match reason {
        Death | Disappearance | SeriousInjury => {
            vec![(JudicialAuthority, hours(6)), (NextOfKin, hours(12))]
        }
        Transfer if pretrial => vec![(FamilyContact, hours(24)), (Judge, hours(24))],
        Transfer => vec![(FamilyContact, hours(24))],
        HostageTaking => vec![(NationalOperations, SignedDuration::from_mins(15))],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use NotificationReason::*;
    use Recipient::*;

    /// Each fact and whom it requires to be told, as a table.
    #[test]
    fn who_must_be_told() {
        let who = |r, p| {
            required(r, p)
                .into_iter()
                .map(|(x, _)| x)
                .collect::<Vec<_>>()
        };
        assert_eq!(who(Death, false), [JudicialAuthority, NextOfKin]);
        assert_eq!(who(Disappearance, true), [JudicialAuthority, NextOfKin]);
        assert_eq!(who(SeriousInjury, false), [JudicialAuthority, NextOfKin]);
        assert_eq!(who(Transfer, false), [FamilyContact]);
        assert_eq!(who(Transfer, true), [FamilyContact, Judge]);
        assert_eq!(who(HostageTaking, false), [NationalOperations]);
        for r in NotificationReason::ALL {
            for (_, due) in required(*r, true) {
                assert!(due > SignedDuration::ZERO && due <= SignedDuration::from_hours(24));
            }
        }
    }
}
