## Frame
lang-name = English
skip-to-content = Skip to content
nav-label = Main navigation
nav-dashboard = National dashboard
nav-facilities = Facilities
nav-persons = Persons
nav-api = API
nav-account = My account
sign-out-as = Sign out ({ $x })

## Errors
error-title = Could not be done
error-not-found-title = Not found
error-not-found = The page does not exist or is out of your reach.
error-throttled = Too many attempts; wait a few minutes.
error-internal = Internal error; try again. If it persists, tell support.
error-csrf = The form expired or did not come from Custodia; reload the page.
error-status = Code { $n }
error-back-home = Back to the dashboard
err-required = This is required.
err-too-long = The text is too long.
err-wrong-password = The current password is not right.
err-same-password = The new password must differ from the current one.
err-passwords-differ = The two new passwords differ.
err-too-short = The password must have at least 12 characters.
err-too-common = That password is too common.
err-contains-username = The password must not contain the username.
err-out-of-range = The value is out of the allowed range.
err-not-a-number = Write a whole number.
err-negative = It must not be negative.
err-unknown-language = Language not available.
err-unknown-location = The place does not exist in this facility.
err-placement-restricted = Placement restricted for security reasons — contact the security office.
err-over-capacity = The place is full.
err-no-words = Type letters or digits to search.

## Sign-in
login-title = Sign in
login-intro = Prison service system of record. Authorised staff only.
login-username = Username
login-password = Password
login-submit = Sign in
login-failed = Invalid username or password.
login-throttled = Too many attempts; wait a few minutes before trying again.

## Account
account-title = My account
account-grants = My roles
account-no-grants = You hold no roles.
account-role = Role
account-scope = Scope
account-scope-national = National
account-password = Change password
account-password-changed = Password changed. Your other sessions were signed out.
account-current-password = Current password
account-new-password = New password
account-confirm-password = Repeat the new password
account-password-rule = At least 12 characters; not a common password nor your username.
account-password-submit = Change password
account-tokens = My API tokens
account-tokens-intro = For another system to query Custodia on your behalf. Each token acts with your roles.
account-token-issued = Copy the token now: it will not be shown again.
account-no-tokens = You have no tokens.
account-token-name = Name
account-token-scope = Permission
account-token-created = Created
account-token-expires = Expires
account-token-actions = Actions
account-token-read-only = Read only
account-token-full = Full
account-token-revoked = Revoked on { $x }
account-token-revoke = Revoke “{ $x }”
account-token-new = New token
account-token-days = Days valid (1 to { $n })
account-token-create = Create token
role-national-admin = National administration
role-national-operations = National operations
role-facility-director = Facility director
role-facility-officer = Facility officer
role-records-officer = Records and legal
role-intelligence-analyst = Intelligence
role-health-officer = Health
role-inspector = Inspection
role-integration = Integration

## Dashboard
dashboard-title = National dashboard
dashboard-updated = Updated: { $x }. Refreshes itself every 30 seconds.
dashboard-legal-unavailable = Legal deadlines could not be checked. Try again; if it persists, tell support.
dashboard-overdue-title = { $n ->
    [one] 1 person held past their legal limit
   *[other] { $n } persons held past their legal limit
}
dashboard-overdue-since = due { $due }, { $days ->
    [one] 1 day ago
   *[other] { $days } days ago
}
deadline-pretrial-expiry = pretrial detention expired
deadline-sentence-end = sentence served
dashboard-situation = Situation
dashboard-crises = Active crises
dashboard-incidents = Open incidents
dashboard-staff-held = Staff held
dashboard-not-normal = Facilities not under normal control
dashboard-in-transit = Persons in transit
dashboard-notifications = Overdue notifications
dashboard-since = since { $x }
dashboard-due = due { $x }
dashboard-held-detail = { $held } held, { $missing } missing
dashboard-facilities = Population and capacity by facility
dashboard-facility = Facility
dashboard-on-roll = Population
dashboard-capacity = Capacity
dashboard-occupancy = Occupancy
dashboard-unallocated = Not in a cell
dashboard-transit = In transit
dashboard-total = National total
dashboard-bar-label = Occupancy { $x }
incident-type-hostage-taking = Hostage-taking
incident-type-riot = Riot
incident-type-concerted-indiscipline = Concerted indiscipline
incident-type-assault-on-staff = Assault on staff
incident-type-assault-between-persons = Assault between persons
incident-type-homicide = Homicide
incident-type-death-in-custody = Death in custody
incident-type-serious-injury = Serious injury
incident-type-self-harm = Self-harm
incident-type-escape = Escape
incident-type-attempted-escape = Attempted escape
incident-type-find-of-illicit-items = Find of illicit items
incident-type-use-of-force = Use of force
incident-type-fire = Fire
incident-type-protest-or-hunger-strike = Protest or hunger strike
incident-type-explosion-or-attack = Explosion or attack
incident-type-staff-missing = Staff missing
severity-low = low
severity-medium = medium
severity-high = high
severity-critical = critical
control-status-normal = normal
control-status-disturbance = disturbance
control-status-partial-loss-of-control = partial loss of control
control-status-lost-control = control lost
control-status-being-retaken = being retaken

## Facilities
facilities-title = Facilities
facilities-province = Province
facility-roll-at = Roll at { $x }
facility-roll = Roll
roll-total = Total on roll
roll-in-place = In a cell
roll-unallocated = Not yet in a cell
roll-out = Out (temporary absence)
roll-overdue-back = Overdue back
roll-transit-in = Arriving by transfer
roll-transit-out = Leaving by transfer
roll-escaped = Escaped
roll-capacity = Operational capacity
roll-free = Free places
roll-rate = Occupancy
roll-overrides = Over capacity by override
facility-alerts = Open alerts
facility-alert-count = Count discrepancy
facility-alert-count-detail = { $place }: counted { $counted }, expected { $expected } ({ $at })
facility-alert-overdue-back = Overdue back
facility-alert-overdue-back-detail = Person no. { $person } ({ $kind }), due back { $due }
facility-units = Units and cells
facility-place = Place
facility-occupied = Occupied
facility-capacity = Capacity
facility-free = Free
facility-out-of-service = out of service
facility-not-in-cell = { $n ->
    [one] 1 person not in a cell
   *[other] { $n } persons not in a cell
}
facility-more = { $n ->
    [one] … and 1 more.
   *[other] … and { $n } more.
}
facility-person = Person no. { $n }
facility-count = Record a count
facility-count-place = Place counted
facility-count-counted = Persons counted
facility-count-submit = Record count
facility-count-ok = Count recorded: it matches the records.
facility-count-discrepancy = Count recorded with a discrepancy: an alert was opened.
facility-movements-today = Today's movements
facility-no-movements = No movements today.
facility-when = When
facility-who = Who
facility-what = What
facility-on-duty = { $n ->
    [one] 1 officer on duty
   *[other] { $n } officers on duty
}
facility-nobody-on-duty = Nobody recorded on duty now.
absence-court-appearance = court appearance
absence-hospital = hospital
absence-other = other absence
presence-placed = in a cell
presence-unallocated = not in a cell
presence-out = out
presence-in-transit = in transit
presence-escaped = escaped
presence-ended = custody ended
movement-admitted = Admission
movement-placed = Placement
movement-moved = Cell move
movement-released = Release
movement-transfer-dispatched = Left on transfer
movement-transfer-received = Arrived by transfer
movement-transfer-cancelled = Transfer cancelled
movement-absence-started = Temporary absence
movement-absence-ended = Return
movement-escaped = Escape
movement-recaptured = Recapture
movement-died = Death
staff-kind-prison-guard = Prison guard
staff-kind-police = Police
staff-kind-administrative = Administrative
staff-kind-health = Health
staff-kind-technical = Technical
staff-kind-other = Other

## Persons
persons-title = Find persons
persons-search-label = Name, alias, ID card or registry number
persons-search-submit = Search
persons-search-hint = Results appear as you type; accents and small typos do not matter.
persons-none = No results.
persons-name = Name
persons-registry = Registry
persons-facility = Facility
persons-released = released
persons-more = There are more results: narrow the search.
person-reason-title = Reason for reading
person-reason-intro = Every read of a file is journaled with its reason. You are asked once per session.
person-reason-label = Reason
person-reason-required = Give the reason for reading.
person-reason-transfer = Preparing a transfer
person-reason-hearing = Court hearing
person-reason-visit = Visits
person-reason-review = File review
person-reason-submit = Open file
person-reading-for = Reading for: { $x }
person-reason-change = change reason
person-where = Where now
person-place-or-transfer = Place, move or transfer
person-unallocated = not yet in a cell
person-not-in-custody = Not in custody (last facility: { $x }).
person-identity = Identity
person-given-names = Given names
person-surnames = Surnames
person-born = Born
person-sex = Sex
person-nationality = Nationality
person-document = Document
person-aliases = Aliases
sex-male = male
sex-female = female
document-kind-cedula = ID card (cédula)
document-kind-passport = Passport
document-kind-other = Other document
person-legal = Legal situation
person-admitted = admitted { $x }
person-released = left { $x }
person-legal-status = Status
legal-status-pretrial = pretrial detainee
legal-status-sentenced = sentenced
legal-status-other = other court order
person-pretrial-expiry = Pretrial detention expires
person-release-date = Release date
person-days-left = Time left
person-days = { $n ->
    [one] 1 day left
   *[other] { $n } days left
}
person-days-overdue = { $n ->
    [one] OVERDUE by 1 day
   *[other] OVERDUE by { $n } days
}
person-doc-kind = Document
person-doc-case = Case
person-doc-court = Court
person-doc-issued = Issued
person-doc-offences = Offences
legal-document-pretrial-detention-order = Pretrial detention order
legal-document-sentence = Sentence
legal-document-other-court-order = Other court order
legal-document-suspension = Suspension
person-health-notes = Health notes:
person-movements = Movements
person-corrections = Corrections
person-affiliations = Groups (intelligence)
person-keep-apart = Keep-apart rules (intelligence)
person-none = None.
group-role-member = member
group-role-leader = leader
group-role-associate = associate
confidence-low = low confidence
confidence-medium = medium confidence
confidence-high = high confidence
keep-apart-reason-rival-gang = Rival gang
keep-apart-reason-victim-and-perpetrator = Victim and perpetrator
keep-apart-reason-witness = Witness
keep-apart-reason-threat = Threat
keep-apart-reason-other = Other reason
keep-apart-scope-cell = cell
keep-apart-scope-unit = unit
keep-apart-scope-facility = facility

nav-admission = Admission
nav-transfers = Transfers

## Forms
form-optional = (optional)
form-one-per-line = One per line.
form-problems = { $n ->
    [one] There is one problem with the form:
   *[other] There are { $n } problems with the form:
}
err-unknown-person = The person is not in custody at a facility in reach.
err-unknown-facility = The facility is not registered.
err-duplicate-person = The person appears more than once.
err-same-facility = The person is already at that facility.
err-forbidden = You may not do this.
err-nothing-to-do = No transfer of the operation allows this step.
err-not-a-date = Enter a date (YYYY-MM-DD).
err-not-a-time = Enter a date and time.
err-invalid-cedula = The cédula number is not valid: check the digits.
err-cedula-shape = A cédula has exactly 10 digits.
err-cedula-province = The first two digits are not a province code (01–24 or 30).
err-cedula-not-a-person = The third digit must be below 6 for a person.
err-cedula-check-digit = The check digit does not match: check the numbers.
err-wrong-age-group = This facility cannot hold a person of this age.
err-wrong-sex = This facility does not hold persons of this sex.
err-identity-mismatch = The identity does not match the registered person chosen.
err-already-in-custody = The person is already in custody.
err-deceased = The person died in custody.
err-not-in-custody = The person is not in custody.
err-in-the-future = The date cannot be in the future.

## Admission
admission-title = Admit a person
admission-intro = Record the admission with the court order that allows it (Mandela Rule 7). Checks run as you type.
admission-step-identity = 1. Facility and identity
admission-step-order = 2. Court order
admission-step-arrest = 3. Arrest, injuries and property
admission-step-record = 4. Contacts, health and rights
admission-facility = Receiving facility
admission-classification = Security classification (director)
admission-admitted-at = Date and time of admission
admission-first-surname = First surname
admission-second-surname = Second surname
admission-nationality = Nationality (country code, e.g. EC)
admission-document-kind = Document type
admission-document-number = Document number
admission-cedula-ok = Valid cédula.
admission-wrong-age-adolescents = Adolescent: may only be admitted to an adolescent centre (CAI).
admission-wrong-age-adults = Adult: may not be admitted to an adolescent centre (CAI).
admission-suggested = Facilities that can hold them:
admission-no-suggestion = No registered facility can hold them.
admission-duplicates = { $n ->
    [one] This person may already be registered:
   *[other] This person may already be registered ({ $n } matches):
}
admission-duplicate-same-document = same document
admission-duplicate-same-name-and-birth = same name and date of birth
admission-duplicate-held = in custody at { $x }
admission-duplicate-free = not in custody
admission-link = It is { $x }
admission-confirm-new = It is someone else: register a new person
admission-duplicates-found = Possible duplicates: say whether this is a registered person or a new one.
admission-order-kind = Kind of order
admission-case-number = Case number
admission-court = Court
admission-judge = Judge
admission-issued-on = Date of the order
admission-carried-out-on = Date the pretrial detention began
admission-pretrial-hint = For pretrial detention: the offence and its maximum penalty set the limit (COIP art. 541).
admission-offence = Offence
admission-offence-article = Article
admission-offence-max-years = Maximum penalty (years)
admission-sentence-hint = For a sentence: the term and the day it starts.
admission-sentence-years = Years
admission-sentence-months = Months
admission-sentence-days = Days
admission-start-on = Sentence start
admission-order-description = Description (other court order)
admission-arrest-at = Date and time of arrest
admission-arrest-place = Place of arrest
admission-arrest-authority = Arresting authority
admission-injuries = Visible injuries
admission-complaints = The person's complaints
admission-injuries-reported-to = Authority told of the injuries
admission-property = Property
admission-property-hint = One per line; "2 x belt" for several.
admission-property-received-by = Received by
admission-property-signed = The person signed the inventory
admission-contact-name = Emergency contact
admission-contact-relationship = Relationship
admission-contact-phone = Phone
admission-children = Dependent children under 18
admission-screening = Health screening on admission
admission-screening-notes = Health notes
admission-screening-hint = Only health staff see them.
admission-rights-informed = The person was told of their rights
admission-rights-language = Language they were told in
admission-submit = Record the admission
admission-read-reason = Admission
screening-done = done
screening-pending = pending

## Placement
placement-title = Placement of { $x }
placement-admitted = Admission recorded. Now assign a cell.
placement-facility = Facility: { $x }
placement-current = in { $x }
placement-unallocated = no cell assigned
placement-open-file = Open the file
placement-place = Place or move within the facility
placement-cell-label = Cell
placement-cell = { $cell } — { $free } free of { $capacity }
placement-allowed = Placement allowed.
placement-choose = Choose a cell.
placement-refused = This placement is not allowed:
placement-overridable = The director may authorise it in writing, with a reason.
placement-rule = { $n ->
   *[other] rule no. { $n }
}
placement-reason = Reason
placement-occurred-at = Date and time, if earlier
placement-override = Reason for the over-capacity authorisation
placement-override-hint = Directors only: it is journaled and shown on the facility's roll.
placement-submit = Place
placement-read-reason = Placement

## Transfers
transfer-request = Request a transfer
transfer-to = Destination facility
transfer-reason-label = Reason
transfer-note = Note
transfer-request-submit = Request the transfer
transfer-reason-security = Security
transfer-reason-overcrowding = Overcrowding
transfer-reason-health = Health
transfer-reason-court-order = Court order
transfer-reason-family-proximity = Family proximity
transfer-reason-other = Other
transfer-status-requested = requested
transfer-status-approved = approved
transfer-status-dispatched = in transit
transfer-status-received = received
transfer-status-cancelled = cancelled
transfer-step-approve = Approve
transfer-step-dispatch = Dispatch
transfer-step-receive = Receive
transfer-step-cancel = Cancel
transfers-title = Transfers
transfers-status = Status
transfers-all = All
transfers-filter = Filter
transfers-none = No transfers.
transfers-person = Person
transfers-route = From → to
transfers-requested = Requested
transfers-actions = Actions

nav-incidents = Incidents
nav-crises = Crises

## Incidents
incidents-title = Incidents
incidents-none = No incidents.
incidents-reference = Reference
incidents-type = Type
incidents-site = Site
incidents-when = Date and time
incidents-severity = Severity
incidents-status = Status
incidents-summary = Summary
incident-report-title = Report an incident
incident-report-submit = Report
incident-address = Address (outside a facility)
incident-province = Province
incident-crisis = See the crisis
incident-timeline = Timeline
incident-entry = New entry
incident-entry-submit = Add to the timeline
incident-status-submit = Change the status
incident-people = People involved
incident-casualties = Injured and dead
incident-nothing = Nothing recorded.
incident-staff-member = { $n ->
   *[other] staff member no. { $n }
}
incident-status-reported = reported
incident-status-active = active
incident-status-contained = contained
incident-status-closed = closed
incident-status-reopened = reopened
timeline-kind-note = Entry
timeline-kind-closed = Closed
timeline-kind-person = Person
timeline-kind-casualty = Casualty
timeline-kind-seizure = Seizure
timeline-kind-status = Status
timeline-kind-hostages-taken = Hostages taken
timeline-kind-hostages-released = Hostages released
timeline-kind-staff-status = Staff status
involvement-perpetrator = alleged perpetrator
involvement-victim = victim
involvement-hostage-taker = hostage taker
involvement-injured = injured
involvement-deceased = dead
involvement-witness = witness
casualty-injured = injured
casualty-seriously-injured = seriously injured
casualty-deceased = dead
notification-status-pending = pending
notification-status-done = done
notifications-title = Mandatory notifications
notifications-intro = Notices the law requires (family, judge, Ombudsman), with their deadline. Overdue ones come first.
notifications-none = No pending notifications.
notifications-due = Due
notifications-recipient = Recipient
notifications-done = Done
notifications-overdue = overdue
notifications-channel = Channel (phone, letter…)
notifications-notified = Who was notified
notifications-mark-done = Mark as done

## Crises
crises-title = Crises
crises-none = No crises recorded.
crises-name = Name
crises-started = Start
crises-status = Status
crises-sites = Sites
crises-open = Open a crisis
crises-summary = Summary
crises-incidents = Incidents it groups
crises-no-incidents = No open incidents outside a crisis.
crises-open-submit = Open the crisis
crisis-since = Since { $x }
crisis-status-active = active
crisis-status-closed = closed
board-at = Staff situation at { $x } (updates itself)
board-on-duty = On duty
board-accounted-for = Accounted for
board-held = Held
board-released = Released
board-injured = Injured
board-missing = Missing
board-deceased = Dead
board-no-staff = No staff recorded on duty at this site.
board-select = Select
board-staff = Staff member
board-kind = Service
board-status = Status
board-since = Since
board-circumstances = Circumstances
board-release-all = Everyone still held here
board-take = Mark as held
board-release = Mark as released
staff-status-accounted-for = accounted for
staff-status-held = held
staff-status-released = released
staff-status-injured = injured
staff-status-missing = missing
staff-status-deceased = dead

nav-statistics = Statistics

## Statistics
stats-title = Statistics
stats-months = Months
stats-download = Download the data (CSV)
stats-facility = Facility
stats-capacity = Capacity
stats-national = National
stats-held = Persons
stats-rate = Occupancy
stats-cause = Cause
stats-count = Number
stats-category = Category
stats-population = Persons deprived of liberty at the end of each month
stats-population-summary = persons in custody at the end of each month, against today's capacity; months over capacity in red
stats-occupancy = Occupancy by facility, today
stats-occupancy-summary = persons in custody at each facility; the red mark is its capacity
stats-pretrial = Pretrial detention: { $x } of all
stats-pretrial-summary = persons at each facility by legal status
stats-deaths = Deaths in custody by cause
stats-deaths-summary = deaths recorded in the period, by cause
stats-seizures = Seizures by category
stats-seizures-summary = items seized in the period, by category
death-cause-natural = Natural
death-cause-suicide = Suicide
death-cause-accident = Accident
death-cause-violence-in-riot = Violence in a riot
death-cause-other-violence = Other violence
death-cause-undetermined = Undetermined
item-category-firearm = Firearms
item-category-ammunition = Ammunition
item-category-bladed-weapon = Bladed weapons
item-category-explosive = Explosives
item-category-grenade = Grenades
item-category-mobile-phone = Mobile phones
item-category-sim-card = SIM cards
item-category-radio = Radios
item-category-drugs = Drugs
item-category-cash = Cash
item-category-other = Other

nav-admin = Administration

## Administration
admin-users = Users
admin-facilities = Facilities and places
admin-national = national
admin-username = Username
admin-display-name = Name
admin-password = Initial password
admin-state = State
admin-active = active
admin-disabled = disabled
admin-role = Role
admin-facility = Facility
admin-facility-hint = Without a facility the role is national. Facility roles need one.
admin-grant = Grant
admin-disable = Disable { $x }
admin-new-user = New user
admin-create-user = Create the user
admin-code = Code
admin-name = Name
admin-kind = Kind
admin-city = City
admin-timezone = Time zone (e.g. America/Guayaquil)
admin-holds-sex = Holds
admin-holds-age = Age
admin-holds-legal-status = Legal status
admin-security-levels = Security levels
admin-security-level = Security level
admin-edit-facility = Edit the facility's details
admin-new-facility = New facility
admin-create-facility = Register the facility
admin-import = Import facilities and places
admin-import-intro = CSV or JSON files, as on the command line: all or nothing; every bad row is named with its file and line.
admin-import-files = Files
admin-import-submit = Import
admin-import-no-file = Choose at least one file.
admin-import-unreadable = The file sent could not be read.
admin-import-rejected = { $n ->
    [one] Nothing was imported: one row has an error.
   *[other] Nothing was imported: { $n } rows have errors.
}
admin-imported = Imported { $facilities } facilities and { $locations } places.
admin-locations-of = Places of { $x }
admin-see-roll = See the roll
admin-service = Service
admin-capacity-of = Operational capacity of { $x }
admin-save = Save
admin-in-service = Back in service
admin-out-of-service = Out of service
admin-oos-reason = Reason
admin-new-location = New place
admin-parent = Inside
admin-design-capacity = Design capacity
admin-operational-capacity = Operational capacity
admin-create-location = Create the place
holds-sex-men = men
holds-sex-women = women
holds-sex-both = men and women (in separate places)
holds-age-adults = adults
holds-age-adolescents = adolescents
security-level-maximum = maximum
security-level-medium = medium
security-level-minimum = minimum
holds-legal-status-pretrial = pretrial
holds-legal-status-sentenced = sentenced
holds-legal-status-both = both
oos-reason-riot-damage = riot damage
oos-reason-security-sealed = sealed for security
oos-reason-maintenance = maintenance
oos-reason-staff-shortage = staff shortage
oos-reason-sanitary = sanitary reasons
oos-reason-other = other reason

nav-searches = Searches

## Searches and seizures
searches-title = Searches and seizures
searches-none = No searches recorded.
searches-kind = Kind of search
searches-reason = Reason
searches-items = Items
searches-new = Record a search
searches-locations = Places searched
searches-locations-hint = Place codes, separated by commas (e.g. PAB-A-C001).
searches-team = Team
searches-team-hint = One person per line: "name, role".
searches-authorised-by = Authorised by
searches-started = Start
searches-ended = End
searches-person = Search of a person (Mandela Rules 50–52)
searches-person-id = Person number
searches-same-sex = By staff of the same sex
searches-in-private = In private
searches-intrusive = Intrusive search
searches-health-professional = Health professional who made it
searches-intrusive-reason = Reason for the intrusive search
searches-record = Record the search
search-kind-cell = cells
search-kind-area = area
search-kind-person = person
search-title = Search no. { $x }
search-authorised = authorised by { $x }
search-places = Places searched: { $x }
search-team = team: { $x }
search-items = Items seized and chain of custody
search-no-items = Nothing was seized.
search-found = found { $x }
search-holder = held by { $x }
search-to-name = Hand to
search-to-office = Office
search-purpose = Purpose of the handover
search-disposal = Final disposal
search-hand-over = Record the handover
search-seize = Record a seized item
search-description = Description
search-quantity = Quantity
search-drug-kind = Kind of drug
search-grams = Grams
search-currency = Currency
search-amount = Amount
search-found-place = Where it was found
search-holder-name = Who holds it
search-holder-office = Office
search-seize-submit = Record the seizure
drug-kind-cannabis = cannabis
drug-kind-cocaine = cocaine
drug-kind-cocaine-base = cocaine base
drug-kind-heroin = heroin
drug-kind-synthetic = synthetic
drug-kind-other = other
disposal-destroyed = destroyed
disposal-handed-to-prosecutor = handed to the prosecutor
disposal-returned = returned

## Bulk operations
operation-new = New bulk transfer operation
operation-intro = Many persons in one operation, validated together: if one transfer is not possible, none is created and every line with a problem is named.
operation-name = Name of the operation
operation-moves = Transfers
operation-moves-hint = One per line: person number, destination facility and, if known, the place code (e.g. "1234, CPL-AZ-1, PAB-B-C010").
operation-create = Validate and create the operation
operation-refused = { $n ->
    [one] The operation was not created: one transfer is not possible.
   *[other] The operation was not created: { $n } transfers are not possible.
}
operation-line-problem = Line { $line }: { $problem }
operation-line-unreadable = Line { $line }: "{ $text }" cannot be read.
operation-step-approve = Approve the whole operation
operation-step-dispatch = Dispatch all
operation-step-receive = Receive all
operation-step-cancel = Cancel the operation
dashboard-overdue-all = { $n ->
   *[other] See all { $n } overdue deadlines
}
deadlines-title = Overdue legal deadlines
deadlines-pages = Pages
deadlines-previous = ← Previous
deadlines-next = Next →
deadlines-page = Page { $page } of { $pages }
