# Pages autour de la page de suivi : recherche de commande et désabonnement.

## Suivre votre commande (sans lien)
lookup-title = Suivre votre commande
lookup-title-brand = Suivre votre commande · { $brand }
lookup-which-shop = Dans quelle boutique avez-vous commandé ? Saisissez le code boutique figurant sur votre confirmation de commande.
lookup-shop-code = Code boutique
lookup-continue = Continuer
lookup-intro = Saisissez votre numéro de commande et l'adresse e-mail ou le code postal de livraison de la commande.
lookup-order-number = Numéro de commande
lookup-email-or-postcode = Adresse e-mail ou code postal de livraison
lookup-find = Trouver ma commande
lookup-need-help = Besoin d'aide ?
lookup-missing-number = Veuillez saisir votre numéro de commande.
lookup-number-too-long = Ce numéro de commande est trop long. Vérifiez-le sur votre confirmation de commande.
lookup-answer-too-long = Cette adresse e-mail ou ce code postal est trop long.
lookup-missing-answer = Veuillez saisir l'adresse e-mail ou le code postal de livraison de la commande.
lookup-link-sent = Si ces informations correspondent à une commande, nous avons envoyé un lien de suivi à l'adresse e-mail de la commande. Il est valable un jour.
lookup-not-found = Nous n'avons trouvé aucune commande avec ces informations. Vérifiez le numéro de commande et l'adresse e-mail ou le code postal de votre confirmation de commande.
lookup-too-many = { $minutes ->
    [one] Trop de tentatives. Réessayez dans { $minutes } minute.
   *[other] Trop de tentatives. Réessayez dans { $minutes } minutes.
}

## Désabonnement
unsubscribe-button = Me désabonner
unsubscribe-unknown-title = Lien non reconnu
unsubscribe-unknown-text = Ce lien de désabonnement n'est pas valide.
unsubscribe-ask-title = Ne plus recevoir d'informations sur cette commande ?
unsubscribe-ask-text = Vous ne recevrez plus d'e-mails ni de SMS concernant cette commande.
unsubscribe-done-title = Vous êtes désabonné
unsubscribe-done-text = Vous ne recevrez plus d'informations sur la commande { $number }.
unsubscribe-failed-title = Une erreur s'est produite
unsubscribe-failed-text = Veuillez réessayer le lien plus tard.
