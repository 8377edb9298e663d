# English interface. Every key also exists in locales/fr/main.ftl.

## Shared layout
app-name = Territoires
skip-to-content = Skip to content
nav-label = Main navigation
nav-home = Home
footer-tagline = Territoires — smart-territory maturity diagnostics for local authorities.
language-switch-label = Language
language-native-name = English

## Home
home-title = Smart-territory diagnostics
home-lead = Assess the maturity of a commune, an intercommunality, a département or a région along the six smart-city axes and six organisational dimensions, then give elected officials a clear, printable report.
home-steps-label = The steps of a diagnostic
home-step-territory-title = 1. The territory
home-step-territory-text = Pick the authority from the official geography and describe its local challenges and assets.
home-step-assessment-title = 2. The assessment
home-step-assessment-text = Fill in every criterion: maturity level, importance, target, findings and sourced indicators.
home-step-report-title = 3. The report
home-step-report-text = Publish a frozen report: one-page synthesis, radar charts, priorities and an action plan by horizon.

## Errors
error-not-found-title = Page not found
error-not-found-text = This page does not exist or you do not have access to it. Check the address or go back to the home page.
error-internal-title = Something went wrong
error-internal-text = The server could not process your request. The incident has been logged; please try again in a moment.
error-cross-site-title = Request refused
error-cross-site-text = This action did not come from a Territoires page; it was refused and nothing was changed. Go back to the application and try again.
error-back-home = Back to the home page

## Numbers
territory-count = { $count ->
    [one] { $count } territory
   *[other] { $count } territories
}

## Navigation and forms
nav-territories = Territories
nav-framework = Framework
breadcrumb-label = Breadcrumb
form-error-summary = The form has errors; nothing was saved.
form-too-long = This text is too long.
form-cancel = Cancel
pagination-label = Pagination
pagination-previous = Previous page
pagination-next = Next page
pagination-page = Page

## Coded labels
kind-commune = Commune
kind-epci = Intercommunality (EPCI)
kind-departement = Département
kind-region = Région
kind-grouping = Grouping
direction-higher-better = higher is better
direction-lower-better = lower is better
horizon-court = short term (< 1 year)
horizon-moyen = medium term (1–3 years)
horizon-long = long term (> 3 years)
cost-faible = low (< €20k)
cost-moyen = medium (€20k–150k)
cost-eleve = high (> €150k)
sort-name = Name
sort-population = Population
sort-recent = Recently changed

## Framework
framework-title = Framework
framework-version = version
framework-toc = Framework contents
framework-scale = Maturity scale
framework-level = Level
framework-meaning = Meaning
framework-thematic = Thematic axes (Giffinger)
framework-transversal = Transversal dimensions
framework-indicators = Quantitative indicators
framework-challenges = Local challenges
framework-assets = Local assets
framework-giffinger = Giffinger characteristic
framework-giffinger-factors = Giffinger factors
framework-criteria-short = criteria
framework-indicators-short = indicators
framework-code = Code
framework-indicator = Indicator
framework-unit = Unit
framework-direction = Direction
framework-source = Source
framework-tag-criteria = Criteria concerned
framework-descriptors = Level descriptors
framework-descriptor = Descriptor
framework-recommendations = Recommendations by step
framework-horizon = Horizon
framework-cost = Cost

## Geography
geo-no-result = No authority matches this search.
geo-results-legend = Authorities found
geo-inhabitants = inhabitants

## Territories
territories-title = Territories
territories-new = New territory
territories-filters = Filter territories
territories-filter-text = Name or code
territories-filter-kind = Kind
territories-filter-region = Région
territories-filter-departement = Département
territories-filter-all = All
territories-sort = Sort by
territories-apply = Apply
territories-empty = No territory matches.
territories-col-name = Name
territories-col-kind = Kind
territories-col-code = Official code
territories-col-place = Département, région
territories-col-population = Population
territory-new-title = New territory
territory-edit-title = Edit the profile
territory-edit = Edit the profile
territory-mode-legend = Kind of territory
territory-mode-official = An authority of the official geography
territory-mode-grouping = A custom grouping of communes
territory-official-title = Official authority
territory-search-label = Search for a commune, an intercommunality, a département or a région
territory-search-hint = Name, official code (INSEE, SIREN) or postcode; accents and hyphens are optional.
territory-search-button = Search
territory-grouping-title = Custom grouping
territory-grouping-hint = For a territory that matches no official authority (living area, pays, PETR…).
territory-field-name = Name of the grouping
territory-field-members = Member communes (INSEE codes)
territory-field-members-hint = Separate codes with spaces, commas or new lines, for example: 69123 69266.
territory-context-title = Context, challenges and assets
territory-field-notes = Context notes
territory-field-notes-hint = Situation, ongoing projects, key actors: what the consultant should know before the assessment (10,000 characters at most).
territory-field-challenges = Local challenges
territory-field-challenges-hint = Each ticked challenge raises the importance of the criteria it concerns.
territory-field-assets = Local assets
territory-field-assets-hint = Recommendations will build on the ticked assets.
territory-contact-title = Main contact
territory-field-contact-name = Name
territory-field-contact-role = Role
territory-field-contact-email = Email
territory-field-contact-phone = Phone
territory-create = Create the profile
territory-save = Save
territory-error-area-required = Choose an authority from the search results.
territory-error-area-unknown = This authority is not in the official geography.
territory-error-duplicate = A profile already exists for this authority.
territory-duplicate-link = Open the existing profile:
territory-error-name-required = Give the grouping a name.
territory-error-members-required = Give at least one member commune.
territory-error-members-too-many = A grouping has at most 2,000 communes.
territory-error-members-unknown = Some codes match no current commune; check them.
territory-error-email = Enter a valid email address, for example first.last@town.fr.
territory-error-phone = A phone number contains only digits, spaces and the signs + . - ( ).
territory-error-unknown-tag = This tag does not exist in the framework.
territory-conflict-title = This profile was changed in the meantime
territory-conflict-text = Someone saved this profile while you were editing it. Your changes, kept below, were not saved. Compare them with the current version, then save again to replace it.
territory-conflict-current = Version currently saved
territory-official-data = Official data
territory-official-source = Source: official administrative geography (Etalab, @etalab/decoupage-administratif 6.0.0, INSEE data).
territory-code = Official code
territory-epci-type = Legal form
territory-departement = Département
territory-region = Région
territory-epci = Intercommunality
territory-postal-codes = Postcodes
territory-population = Population
territory-unknown = not known
territory-members = Member communes
territory-none = Not given.
territory-raises = raises the importance of
territory-builds-on = supports the criteria
territory-assessments = Assessments
territory-no-assessment = No assessment yet.

## Accounts
password-too-short = The password must have at least 12 characters.
password-too-common = This password is too common; choose another one.
password-current-wrong = The current password is wrong.
password-unchanged = Choose a password different from the current one.
password-confirmation-differs = The confirmation does not match the new password.
password-title = Change password
password-required = Your password is temporary: choose your own to continue.
password-changed = Your password was changed. Your other sessions were closed.
password-current = Current password
password-new = New password
password-confirmation = Confirm the new password
password-policy = At least 12 characters; avoid common passwords. A phrase of several words is ideal.
password-submit = Change password
sign-in-title = Sign in
sign-in-email = Email address
sign-in-password = Password
sign-in-submit = Sign in
sign-in-help = No account yet? Ask your firm's administrator.
sign-in-refused = Wrong email address or password.
sign-in-too-many = Too many failed sign-in attempts. For security, wait 15 minutes before trying again.
nav-sign-out = Sign out
nav-users = Accounts
nav-journal = Audit log
role-admin = Administrator
role-consultant = Consultant
role-elu = Elected official
account-error-email = Enter a valid email address, for example first.last@town.fr.
account-error-email-taken = An account already exists for this address.
account-error-elu-territory = An elected official's account must follow at least one territory.
account-error-territory-unknown = Unknown territory.
account-error-role = Choose a role.
account-error-self-lockout = You can neither disable your own account nor remove its administrator role.
form-required = This field is required.
users-title = Accounts
users-new = Create an account
users-col-email = Email
users-col-name = Display name
users-col-role = Role
users-col-territories = Followed territories
users-col-status = Status
users-col-last-sign-in = Last sign-in
users-active = Active
users-disabled = Disabled
users-pending-password = Temporary password
users-territories-hint = For an elected official: the territories whose reports they may read.
users-no-territory = No territory profile yet.
users-field-active = Active account (may sign in)
users-field-reset-password = Issue a new temporary password (closes their sessions)
users-save = Save
users-create = Create the account
users-conflict-title = This account was changed meanwhile
users-conflict-text = Another administrator saved this account while you were editing. Your input is kept below; compare it with the current version, then save again.
users-password-issued-title = Temporary password
users-password-issued-for = Temporary password for
users-password-issued-text = Hand it over through a safe channel: it will not be shown again. It must be changed at first sign-in.
users-back-to-account = Back to the account
users-back-to-list = Back to the account list
journal-title = Audit log
journal-filters = Filter the audit log
journal-col-when = Date (UTC)
journal-col-actor = Author
journal-col-action = Action
journal-col-object = Object
journal-col-changes = Changes
journal-from = From
journal-to = To
journal-count = { $count ->
    [0] No event
    [one] 1 event
   *[other] { $count } events
}
home-followed-title = Your territories
home-followed-reports = The published diagnostic reports of these territories will appear here.
