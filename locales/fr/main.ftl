# Interface en français (langue par défaut). Chaque clé existe aussi dans locales/en/main.ftl.

## Gabarit commun
app-name = Territoires
skip-to-content = Aller au contenu
nav-label = Navigation principale
nav-home = Accueil
footer-tagline = Territoires — diagnostics de maturité « territoire intelligent » pour les collectivités.
language-switch-label = Langue
language-native-name = Français

## Accueil
home-title = Diagnostics « territoire intelligent »
home-lead = Évaluez la maturité d'une commune, d'une intercommunalité, d'un département ou d'une région selon les six axes de la ville intelligente et six dimensions d'organisation, puis remettez aux élus un rapport clair et imprimable.
home-steps-label = Les étapes d'un diagnostic
home-step-territory-title = 1. Le territoire
home-step-territory-text = Choisissez la collectivité dans la géographie officielle et décrivez ses enjeux locaux et ses atouts.
home-step-assessment-title = 2. L'évaluation
home-step-assessment-text = Renseignez chaque critère : niveau de maturité, importance, cible, constats et indicateurs sourcés.
home-step-report-title = 3. Le rapport
home-step-report-text = Publiez un rapport figé : synthèse en une page, radars, priorités et plan d'actions par horizon.

## Erreurs
error-not-found-title = Page introuvable
error-not-found-text = Cette page n'existe pas ou vous n'y avez pas accès. Vérifiez l'adresse ou revenez à l'accueil.
error-internal-title = Une erreur est survenue
error-internal-text = Le serveur n'a pas pu traiter votre demande. L'incident est enregistré ; réessayez dans un instant.
error-back-home = Revenir à l'accueil

## Nombres
territory-count = { $count ->
    [one] { $count } territoire
   *[other] { $count } territoires
}
