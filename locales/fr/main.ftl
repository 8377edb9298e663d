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
error-cross-site-title = Requête refusée
error-cross-site-text = Cette action ne venait pas d'une page de Territoires ; elle a été refusée et rien n'a été modifié. Revenez à l'application et recommencez.
error-back-home = Revenir à l'accueil

## Nombres
territory-count = { $count ->
    [one] { $count } territoire
   *[other] { $count } territoires
}

## Navigation et formulaires
nav-territories = Territoires
nav-framework = Référentiel
breadcrumb-label = Fil d'Ariane
form-error-summary = Le formulaire contient des erreurs ; rien n'a été enregistré.
form-too-long = Ce texte est trop long.
form-cancel = Annuler
pagination-label = Pagination
pagination-previous = Page précédente
pagination-next = Page suivante
pagination-page = Page

## Libellés codés
kind-commune = Commune
kind-epci = Intercommunalité (EPCI)
kind-departement = Département
kind-region = Région
kind-grouping = Regroupement
direction-higher-better = plus haut = mieux
direction-lower-better = plus bas = mieux
horizon-court = court terme (< 1 an)
horizon-moyen = moyen terme (1 à 3 ans)
horizon-long = long terme (> 3 ans)
cost-faible = faible (< 20 k€)
cost-moyen = moyen (20 à 150 k€)
cost-eleve = élevé (> 150 k€)
sort-name = Nom
sort-population = Population
sort-recent = Modifiés récemment

## Référentiel
framework-title = Référentiel
framework-version = version
framework-toc = Sommaire du référentiel
framework-scale = Échelle de maturité
framework-level = Niveau
framework-meaning = Signification
framework-thematic = Axes thématiques (Giffinger)
framework-transversal = Dimensions transversales
framework-indicators = Indicateurs quantitatifs
framework-challenges = Enjeux locaux
framework-assets = Atouts du territoire
framework-giffinger = Caractéristique Giffinger
framework-giffinger-factors = Facteurs Giffinger
framework-criteria-short = critères
framework-indicators-short = indicateurs
framework-code = Code
framework-indicator = Indicateur
framework-unit = Unité
framework-direction = Sens
framework-source = Source
framework-tag-criteria = Critères concernés
framework-descriptors = Descripteurs des niveaux
framework-descriptor = Descripteur
framework-recommendations = Préconisations par palier
framework-horizon = Horizon
framework-cost = Coût

## Géographie
geo-no-result = Aucune collectivité ne correspond à cette recherche.
geo-results-legend = Collectivités trouvées
geo-inhabitants = hab.

## Territoires
territories-title = Territoires
territories-new = Nouveau territoire
territories-filters = Filtrer les territoires
territories-filter-text = Nom ou code
territories-filter-kind = Type
territories-filter-region = Région
territories-filter-departement = Département
territories-filter-all = Tous
territories-sort = Trier par
territories-apply = Appliquer
territories-empty = Aucun territoire ne correspond.
territories-col-name = Nom
territories-col-kind = Type
territories-col-code = Code officiel
territories-col-place = Département, région
territories-col-population = Population
territory-new-title = Nouveau territoire
territory-edit-title = Modifier le profil
territory-edit = Modifier le profil
territory-mode-legend = Type de territoire
territory-mode-official = Collectivité de la géographie officielle
territory-mode-grouping = Regroupement de communes sur mesure
territory-official-title = Collectivité officielle
territory-search-label = Rechercher une commune, une intercommunalité, un département ou une région
territory-search-hint = Nom ou code officiel (INSEE, SIREN) ou code postal ; les accents et les tirets sont facultatifs.
territory-search-button = Rechercher
territory-grouping-title = Regroupement sur mesure
territory-grouping-hint = Pour un territoire qui ne correspond à aucune collectivité officielle (bassin de vie, pays, PETR…).
territory-field-name = Nom du regroupement
territory-field-members = Communes membres (codes INSEE)
territory-field-members-hint = Séparez les codes par des espaces, des virgules ou des retours à la ligne, par exemple : 69123 69266.
territory-context-title = Contexte, enjeux et atouts
territory-field-notes = Notes de contexte
territory-field-notes-hint = Situation, projets en cours, acteurs clés : ce que le consultant doit savoir avant l'évaluation (10 000 caractères au plus).
territory-field-challenges = Enjeux locaux
territory-field-challenges-hint = Chaque enjeu coché relève l'importance des critères qu'il concerne.
territory-field-assets = Atouts du territoire
territory-field-assets-hint = Les préconisations s'appuieront sur les atouts cochés.
territory-contact-title = Contact principal
territory-field-contact-name = Nom
territory-field-contact-role = Fonction
territory-field-contact-email = Courriel
territory-field-contact-phone = Téléphone
territory-create = Créer le profil
territory-save = Enregistrer
territory-error-area-required = Choisissez une collectivité dans les résultats de la recherche.
territory-error-area-unknown = Cette collectivité est inconnue de la géographie officielle.
territory-error-duplicate = Un profil existe déjà pour cette collectivité.
territory-duplicate-link = Ouvrir le profil existant :
territory-error-name-required = Donnez un nom au regroupement.
territory-error-members-required = Indiquez au moins une commune membre.
territory-error-members-too-many = Un regroupement compte au plus 2 000 communes.
territory-error-members-unknown = Certains codes ne correspondent à aucune commune actuelle ; vérifiez-les.
territory-error-email = Saisissez une adresse de courriel valide, par exemple prenom.nom@mairie.fr.
territory-error-phone = Un numéro de téléphone ne contient que des chiffres, des espaces et les signes + . - ( ).
territory-error-unknown-tag = Cette étiquette n'existe pas dans le référentiel.
territory-conflict-title = Ce profil a été modifié entre-temps
territory-conflict-text = Quelqu'un a enregistré ce profil pendant votre saisie. Vos modifications, conservées ci-dessous, n'ont pas été enregistrées. Comparez-les avec la version actuelle puis enregistrez à nouveau pour la remplacer.
territory-conflict-current = Version actuellement enregistrée
territory-official-data = Données officielles
territory-official-source = Source : géographie administrative officielle (Etalab, @etalab/decoupage-administratif 6.0.0, données INSEE).
territory-code = Code officiel
territory-epci-type = Nature juridique
territory-departement = Département
territory-region = Région
territory-epci = Intercommunalité
territory-postal-codes = Codes postaux
territory-population = Population
territory-unknown = non renseignée
territory-members = Communes membres
territory-none = Non renseigné.
territory-raises = relève l'importance de
territory-builds-on = appuie les critères
territory-assessments = Évaluations
territory-no-assessment = Aucune évaluation pour le moment.

## Comptes
password-too-short = Le mot de passe doit compter au moins 12 caractères.
password-too-common = Ce mot de passe est trop courant ; choisissez-en un autre.
password-current-wrong = Le mot de passe actuel est incorrect.
password-unchanged = Choisissez un mot de passe différent de l'actuel.
password-confirmation-differs = La confirmation ne correspond pas au nouveau mot de passe.
password-title = Changer de mot de passe
password-required = Votre mot de passe est provisoire : choisissez le vôtre pour continuer.
password-changed = Votre mot de passe a été changé. Vos autres sessions ont été fermées.
password-current = Mot de passe actuel
password-new = Nouveau mot de passe
password-confirmation = Confirmez le nouveau mot de passe
password-policy = Au moins 12 caractères ; évitez les mots de passe courants. Une phrase de plusieurs mots est idéale.
password-submit = Changer le mot de passe
sign-in-title = Connexion
sign-in-email = Adresse de courriel
sign-in-password = Mot de passe
sign-in-submit = Se connecter
sign-in-help = Pas encore de compte ? Demandez-le à l'administrateur de votre cabinet.
sign-in-refused = Adresse de courriel ou mot de passe incorrect.
sign-in-too-many = Trop de tentatives de connexion ont échoué. Par sécurité, attendez 15 minutes avant de réessayer.
nav-sign-out = Se déconnecter
nav-users = Comptes
nav-journal = Journal
role-admin = Administrateur
role-consultant = Consultant
role-elu = Élu
account-error-email = Saisissez une adresse de courriel valide, par exemple prenom.nom@mairie.fr.
account-error-email-taken = Un compte existe déjà pour cette adresse.
account-error-elu-territory = Un compte élu doit être rattaché à au moins un territoire.
account-error-territory-unknown = Territoire inconnu.
account-error-role = Choisissez un rôle.
account-error-self-lockout = Vous ne pouvez ni désactiver votre propre compte ni lui retirer le rôle administrateur.
form-required = Ce champ est obligatoire.
users-title = Comptes
users-new = Créer un compte
users-col-email = Courriel
users-col-name = Nom affiché
users-col-role = Rôle
users-col-territories = Territoires suivis
users-col-status = État
users-col-last-sign-in = Dernière connexion
users-active = Actif
users-disabled = Désactivé
users-pending-password = Mot de passe provisoire
users-territories-hint = Pour un élu : les territoires dont il peut lire les rapports.
users-no-territory = Aucun profil de territoire pour l'instant.
users-field-active = Compte actif (peut se connecter)
users-field-reset-password = Émettre un nouveau mot de passe provisoire (ferme ses sessions)
users-save = Enregistrer
users-create = Créer le compte
users-conflict-title = Ce compte a été modifié entre-temps
users-conflict-text = Un autre administrateur a enregistré ce compte pendant votre saisie. Votre saisie est conservée ci-dessous ; comparez avec la version actuelle puis enregistrez à nouveau.
users-password-issued-title = Mot de passe provisoire
users-password-issued-for = Mot de passe provisoire pour
users-password-issued-text = Transmettez-le par un canal sûr : il ne sera plus affiché. Il devra être changé à la première connexion.
users-back-to-account = Revenir au compte
users-back-to-list = Revenir à la liste des comptes
journal-title = Journal des modifications
journal-filters = Filtrer le journal
journal-col-when = Date (UTC)
journal-col-actor = Auteur
journal-col-action = Action
journal-col-object = Objet
journal-col-changes = Modifications
journal-from = Du
journal-to = Au
journal-count = { $count ->
    [0] Aucun événement
    [one] 1 événement
   *[other] { $count } événements
}
home-followed-title = Vos territoires
home-followed-reports = Les rapports de diagnostic publiés pour ces territoires apparaîtront ici.

## Assessments
assessment-title = Évaluation
assessment-new-title = Nouvelle évaluation
assessment-label = Intitulé de la campagne (facultatif)
assessment-label-hint = Par exemple « Diagnostic initial » ou « Point d'étape 2027 ».
assessment-date = Date de la campagne
assessment-prefill = Reprendre les réponses et indicateurs de l'évaluation du
assessment-start = Commencer l'évaluation
assessment-error-date = Saisissez une date valide (jj/mm/aaaa).
assessment-status = Statut
assessment-progress = Avancement par axe et dimension
assessment-progress-total = Critères traités :
assessment-col-dimension = Axe ou dimension
assessment-col-answered = Critères renseignés
assessment-col-na = Sans objet
assessment-col-indicators = Indicateurs
assessment-col-progress = Avancement
assessment-complete = Complet
assessment-read-only = Cette évaluation est publiée : elle ne peut plus être modifiée.
assessment-error-transition = Ce changement de statut n'est pas possible depuis le statut actuel.
assessment-error-status-conflict = Le statut a été modifié entre-temps par quelqu'un d'autre ; vérifiez-le avant de recommencer.
assessment-sections = Axes et dimensions
assessment-section-saved = Section enregistrée.
assessment-error-summary = Certaines réponses n'ont pas été enregistrées ; corrigez les champs signalés.
assessment-conflicts = Certaines réponses ont été modifiées entre-temps par quelqu'un d'autre : votre saisie est conservée ci-dessous avec la valeur enregistrée. Enregistrez à nouveau pour garder la vôtre.
assessment-save-section = Enregistrer la section
assessment-autosave-hint = Chaque modification est enregistrée automatiquement.
assessment-back-overview = Vue d'ensemble
status-draft = Brouillon
status-review = En relecture
status-published = Publiée
transition-review = Soumettre pour relecture
transition-draft = Repasser en brouillon
answer-level = Niveau de maturité
answer-na = Sans objet
answer-na-hint = Hors des compétences de la collectivité : justification obligatoire.
answer-none = non renseigné
answer-justification = Justification du « sans objet »
answer-importance = Importance
answer-target = Niveau cible
answer-target-default = Niveau actuel + 1
answer-confidence = Fiabilité
answer-evidence = Constat et éléments de preuve
answer-raised-by = Importance relevée par les enjeux locaux :
answer-saved = Enregistré
answer-not-saved = Non enregistré : corrigez le champ signalé.
answer-conflict = Modifié entre-temps par quelqu'un d'autre ; votre saisie n'a pas été enregistrée.
answer-conflict-stored = Valeur enregistrée
answer-conflict-choose = Gardez votre saisie (enregistrer à nouveau) ou reprenez la valeur enregistrée.
answer-keep-mine = Garder ma saisie
answer-take-stored = Reprendre la valeur enregistrée
answer-error-level = Choisissez un niveau entre 0 et 4, ou « sans objet ».
answer-error-na-justification = Justifiez pourquoi ce critère est sans objet.
answer-error-importance = L'importance va de 1 à 3.
answer-error-target = Le niveau cible va de 0 à 4.
answer-error-target-below = Le niveau cible ne peut pas être inférieur au niveau actuel.
answer-error-confidence = Choisissez une fiabilité de la liste.
importance-1 = 1 · normale
importance-2 = 2 · élevée
importance-3 = 3 · prioritaire
confidence-declaratif = Déclaratif
confidence-documente = Documenté
confidence-verifie = Vérifié
indicator-value = Valeur
indicator-year = Année
indicator-source-note = Source
indicator-range = Plage plausible :
indicator-error-range = Valeur hors de la plage plausible indiquée : vérifiez l'unité et la saisie.
indicator-error-number = Saisissez un nombre, par exemple 12,5.
indicator-error-year = Saisissez une année à quatre chiffres, de 1990 à l'année en cours.
indicator-error-year-required = Indiquez l'année de la valeur.
