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
error-back-home = Back to the home page

## Numbers
territory-count = { $count ->
    [one] { $count } territory
   *[other] { $count } territories
}
