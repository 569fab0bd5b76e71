//! Transfers between facilities as a state machine, temporary absences, and how custody
//! ends other than by release (escape, death).

use crate::validation::Refused;
use crate::vocabulary;

vocabulary!(
    /// Where a transfer stands.
    TransferStatus {
        /// Asked for by the origin's director.
        Requested = "requested",
        /// Approved by national operations.
        Approved = "approved",
        /// The person has left the origin: in transit, counted by both facilities.
        Dispatched = "dispatched",
        /// Arrived and taken in at the destination.
        Received = "received",
        /// Called off before receipt (a dispatched person returns to the origin).
        Cancelled = "cancelled",
    }
);

vocabulary!(
    /// Why a person is transferred.
    TransferReason {
        /// Security: gang leaders, threats, retaking control.
        Security = "security",
        /// Overcrowding at the origin.
        Overcrowding = "overcrowding",
        /// Health care the origin cannot give.
        Health = "health",
        /// A court ordered it.
        CourtOrder = "court_order",
        /// Nearer the family (Mandela Rule 59).
        FamilyProximity = "family_proximity",
        /// Another reason, given in the note.
        Other = "other",
    }
);

vocabulary!(
    /// What is done to a transfer.
    TransferStep {
        /// Approve it.
        Approve = "approve",
        /// Send the person on their way.
        Dispatch = "dispatch",
        /// Take the person in at the destination.
        Receive = "receive",
        /// Call it off.
        Cancel = "cancel",
    }
);

impl TransferStatus {
    /// The status after `step`, or why the step cannot be taken now.
    pub fn after(self, step: TransferStep) -> Result<TransferStatus, Refused> {
        use TransferStatus::*;
        use TransferStep::*;
        let next = match (self, step) {
            (Requested, Approve) => Approved,
            (Approved, Dispatch) => Dispatched,
            (Dispatched, Receive) => Received,
            (Requested | Approved | Dispatched, Cancel) => Cancelled,
            _ => {
                return Err(Refused {
                    code: match step {
                        Approve => "not_requested",
                        Dispatch => "not_approved",
                        Receive => "not_dispatched",
                        Cancel => "already_ended",
                    },
                    message: format!("a transfer that is {self} cannot be {}", past(step)),
                });
            }
        };
        Ok(next)
    }

    /// Whether the transfer is still under way.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            TransferStatus::Requested | TransferStatus::Approved | TransferStatus::Dispatched
        )
    }
}

fn past(step: TransferStep) -> &'static str {
    match step {
        TransferStep::Approve => "approved",
        TransferStep::Dispatch => "dispatched",
        TransferStep::Receive => "received",
        TransferStep::Cancel => "cancelled",
    }
}

vocabulary!(
    /// Why a person is temporarily out.
    AbsenceKind {
        /// At a court hearing.
        CourtAppearance = "court_appearance",
        /// In hospital.
        Hospital = "hospital",
        /// Another authorised absence, given in the note.
        Other = "other",
    }
);

vocabulary!(
    /// The category of the cause of a death in custody (as the service reports them).
    DeathCause {
        /// Natural causes (illness).
        Natural = "natural",
        /// Suicide.
        Suicide = "suicide",
        /// An accident.
        Accident = "accident",
        /// Violence during a riot or clash.
        ViolenceInRiot = "violence_in_riot",
        /// Other violence.
        OtherViolence = "other_violence",
        /// Not yet determined.
        Undetermined = "undetermined",
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use TransferStatus::*;
    use TransferStep::*;

    /// Every status × step: the status after it, or the refusal's code.
    #[test]
    fn the_state_machine() {
        let table: &[(TransferStatus, TransferStep, Result<TransferStatus, &str>)] = &[
            (Requested, Approve, Ok(Approved)),
            (Requested, Dispatch, Err("not_approved")),
            (Requested, Receive, Err("not_dispatched")),
            (Requested, Cancel, Ok(Cancelled)),
            (Approved, Approve, Err("not_requested")),
            (Approved, Dispatch, Ok(Dispatched)),
            (Approved, Receive, Err("not_dispatched")),
            (Approved, Cancel, Ok(Cancelled)),
            (Dispatched, Approve, Err("not_requested")),
            (Dispatched, Dispatch, Err("not_approved")),
            (Dispatched, Receive, Ok(Received)),
            (Dispatched, Cancel, Ok(Cancelled)),
            (Received, Approve, Err("not_requested")),
            (Received, Dispatch, Err("not_approved")),
            (Received, Receive, Err("not_dispatched")),
            (Received, Cancel, Err("already_ended")),
            (Cancelled, Approve, Err("not_requested")),
            (Cancelled, Dispatch, Err("not_approved")),
            (Cancelled, Receive, Err("not_dispatched")),
            (Cancelled, Cancel, Err("already_ended")),
        ];
        assert_eq!(
            table.len(),
            TransferStatus::ALL.len() * TransferStep::ALL.len()
        );
        for (status, step, expected) in table {
            let got = status.after(*step).map_err(|r| r.code);
            assert_eq!(&got, expected, "{status} {step}");
        }
        assert!(Dispatched.is_open() && !Received.is_open() && !Cancelled.is_open());
    }
}
