# La page de suivi que l'acheteur ouvre depuis un lien.

page-title = Commande { $number } · { $brand }
order-number = Commande { $number }
order-po = BC { $po }
language-label = Langue
language-change = Changer

## Le titre
partly-delivered-more-to-follow = Livrée en partie, d'autres articles suivent
shipments-delivered = { $shipments ->
    [one] { $delivered } colis sur { $shipments } livré
   *[other] { $delivered } colis sur { $shipments } livrés
}
more-items-to-follow = { $stage }, d'autres articles suivent
stage-with-shipments = { $stage } ({ $shipments } colis)
on-shipment = { $shipment } · { $text }
received-by = Reçu par { $name }
arriving-today = Arrive aujourd'hui
pickup-at = À { $place }
no-new-date-yet = Nous n'avons pas encore de nouvelle date de livraison ; elle s'affichera ici dès que le transporteur la communiquera.
expected-by = Prévue le
promised-for = Promise pour le
late-on-vehicle = Votre commande a du retard. Elle était promise pour le { $date } ; elle est dans le véhicule de livraison aujourd'hui.
late-not-arrived = Votre commande a du retard. Elle était promise pour le { $date } et n'est pas encore arrivée. Nous nous en occupons et mettrons cette page à jour dès qu'elle bougera.
late-likely = Votre commande a du retard. Elle arrivera probablement après le { $date }, la date promise.

## La fenêtre prévue
arriving-on = Arrive le { $day }
arriving-window = Arrive entre { $range }, probablement { $likely }
forecast-history = D'après { $deliveries ->
    [one] { $deliveries } livraison
   *[other] { $deliveries } livraisons
} sur ce trajet au cours des { $days } derniers jours.
forecast-carrier = Estimation du transporteur ; pas encore d'historique de livraison sur ce trajet.
forecast-promised = Date promise lors de l'achat ; pas encore d'historique de livraison sur ce trajet.
forecast-last-mile = D'après la position du véhicule de livraison.

## La barre de progression
progress-label = Progression
progress-ordered = Commandée
progress-packed = Emballée
progress-shipped = Expédiée
progress-out-for-delivery = En cours de livraison
progress-delivered = Livrée
progress-partly-delivered = Livrée en partie

## Problèmes
problems-label = Problèmes avec votre livraison
condition-temperature = Température relevée : { $value } °C, { $limit }, { $lasted }.
condition-humidity = Humidité relevée : { $value } %, { $limit }, { $lasted }.
condition-shock = Choc relevé : { $value } g, { $limit }, { $lasted }.
condition-battery = Batterie : { $value } %, { $limit }, { $lasted }.
condition-door = La porte est restée ouverte { $lasted }.
condition-above = au-dessus de la limite de { $limit }
condition-below = en dessous de la limite de { $limit }
condition-outside = hors de ses limites
condition-for = pendant { $duration }
condition-for-so-far = depuis { $duration }
condition-back = De nouveau dans la plage. { $text }
duration-minutes = { $minutes } min
duration-hours = { $hours } h
duration-hours-minutes = { $hours } h { $minutes } min

## L'historique
tracking-history = Historique de suivi
time-zone-note = Les heures sont indiquées dans le fuseau horaire de l'adresse de livraison ({ $zone }).
source-clock = { $time } heure locale (UTC{ $offset })
show-all-updates = { $count ->
    [one] Afficher { $count } mise à jour
   *[other] Afficher les { $count } mises à jour
}
show-fewer-updates = Afficher moins de mises à jour
new-update = Nouvelle mise à jour :

## Colis et articles
shipment-one = Colis
timeline-return = Retour
shipment-n-of = Colis { $index } sur { $count }
shipments-heading = Votre commande est expédiée en plusieurs colis
shipment-waiting = Emballé, en attente du transporteur
tracking-number = Numéro de suivi
items-heading = Articles
item-column = Article
ordered-column = Commandés
shipped-column = Expédiés
to-follow-column = À venir
will-not-ship = { $count ->
    [one] { $count } ne sera pas expédié (annulé)
   *[other] { $count } ne seront pas expédiés (annulés)
}

## Le dernier kilomètre
on-its-way-heading = En route vers vous
arriving-between = Arrive entre { $from } et { $to }
location-updated = Position mise à jour à { $time }
next-delivery = Vous êtes la prochaine livraison
deliveries-before = { $count ->
    [one] { $count } livraison avant la vôtre
   *[other] { $count } livraisons avant la vôtre
}
map-label = Carte du véhicule de livraison et de votre adresse
map-vehicle = Véhicule de livraison
map-address = Adresse de livraison

## Preuve de livraison
pod-heading = Preuve de livraison
pod-received-by = Reçu par
pod-signature-of = Signature de { $name }
pod-photo = Photo de livraison { $number }

## Adresse et aide
help-heading = Besoin d'aide pour cette livraison ?
change-delivery = Organiser une nouvelle livraison ou un retrait avec { $carrier }
request-kind-label = De quoi avez-vous besoin ?
request-instructions = Modifier les instructions de livraison
request-problem = Signaler un problème
request-text-label = Votre message
request-send = Envoyer au service client
request-sent = Merci. Le service client a bien reçu votre message et vous répondra.
request-empty = Choisissez votre demande et écrivez un message (1 000 caractères au maximum).
request-limited = Vous avez déjà envoyé plusieurs messages aujourd'hui ; le service client vous répondra.
carrier-site = sur le site du transporteur
copy-tracking-number = Copier
copied = Copié
delivering-to = Adresse de livraison
contact-service = Contactez le service client de { $brand } :

## Notifications par e-mail ou SMS
updates-heading = Recevoir des notifications
updates-when-ships = lorsque votre commande est expédiée, en cours de livraison et livrée
updates-when-rest-ships = lorsque le reste de votre commande est expédié, en cours de livraison et livré
updates-when-out = lorsque votre commande est en cours de livraison et livrée
updates-when-arrives = lorsque votre commande est livrée
updates-intro = Nous vous préviendrons par e-mail ou SMS { $when }, et immédiatement en cas de problème.
updates-confirmed = C'est noté : nous vous préviendrons { $when }.
updates-address-label = E-mail ou numéro de mobile (avec +indicatif du pays)
updates-send-code = M'envoyer un code
updates-code-sent = Nous avons envoyé un code à { $address }.
updates-code-label = Code
updates-confirm = Confirmer
updates-link-invalid = Ce lien de suivi n'est plus valide.
updates-enter-address = Veuillez saisir une adresse e-mail valide ou un numéro de mobile avec son +indicatif du pays.
updates-already = { $address } reçoit déjà les notifications.
updates-too-many-codes = Nous avons déjà envoyé plusieurs codes ; veuillez réessayer dans une heure.
updates-start-again = Veuillez recommencer avec votre adresse e-mail ou votre numéro de téléphone.
updates-wrong-code = Ce code n'est pas le bon (ou il a expiré). Vérifiez-le ou demandez-en un nouveau.
updates-unavailable = Les notifications sont momentanément indisponibles.

## The proof-of-delivery PDF a buyer downloads
pod-pdf-title = Preuve de livraison
pod-pdf-order = Commande
pod-pdf-customer-po = Bon de commande client
pod-pdf-shipment = Expédition
pod-pdf-received-by = Reçu par
pod-pdf-delivered-at = Livré le
pod-pdf-place = Lieu
pod-pdf-ship-to = Livrer à
pod-pdf-reference = Référence
pod-pdf-lines = Lignes
pod-pdf-line = Ligne
pod-pdf-sku = Réf.
pod-pdf-description = Description
pod-pdf-quantity = Quantité
pod-pdf-no-lines = Aucune ligne enregistrée.
pod-pdf-note = Remarque
pod-pdf-stored-files = Fichiers enregistrés
pod-pdf-no-files = Aucun fichier enregistré.
pod-pdf-receiving = Constaté à la réception
pod-pdf-continued = (suite)
pod-pdf-download = Preuve de livraison (PDF)

# Returns
returns-heading = Retours
returns-up-to = Jusqu'à { $quantity }
returns-window = Vous pouvez retourner des articles jusqu'au { $date }.
returns-start = Retourner des articles
returns-quantity = Quantité
returns-reason = Motif
returns-photo = Photo
returns-comment = Autre chose à nous dire ? (facultatif)
returns-resolution = Que souhaitez-vous ?
returns-submit = Demander le retour
returns-photo-needed = Une photo est nécessaire pour : { $reasons }.
returns-requested-at = Demandé { $when }
returns-label = Imprimer l'étiquette de retour (PDF)
returns-tracking = Suivi du retour : { $carrier } { $number }
returns-credited = Avoir émis : { $amount } (réf. { $reference })
returns-refunded = Remboursement effectué : { $amount } (réf. { $reference })
returns-sent = Retour { $rma } demandé. Suivez-le ici.
returns-declined-because = Motif : { $reason }
returns-refused-outside_window = Le délai de retour de ces articles est dépassé.
returns-refused-not_returnable = Ces articles ne peuvent pas être retournés.
returns-refused-more_than_returnable = Vous demandez à retourner plus que ce qui peut encore l'être.
returns-refused-photo_required = Ajoutez une photo des articles endommagés ou qui ne fonctionnent pas.
returns-refused-photo_unreadable = Nous n'avons pas pu utiliser cette photo. Envoyez un JPEG ou un PNG de 8 Mo au maximum.
returns-refused-nothing = Choisissez au moins un article et un motif.
returns-refused-limited = Trop de demandes de retour aujourd'hui. Contactez-nous plutôt.
return-reason-wrong_item = Mauvais article reçu
return-reason-damaged = Arrivé endommagé
return-reason-defective = Ne fonctionne pas
return-reason-not_as_described = Non conforme à la description
return-reason-no_longer_needed = Plus nécessaire
return-reason-arrived_late = Arrivé trop tard
return-reason-other = Autre motif
return-resolution-refund = Remboursement
return-resolution-exchange = Échange
return-resolution-store_credit = Avoir

# Return label
label-title = Étiquette de retour
label-from = De
label-to = À
label-rma = Numéro de retour
label-order = Commande
label-cut-here = Découpez le long des pointillés
label-instructions = Instructions
label-contents = Dans ce colis
label-sku = Réf.
label-description = Description
label-quantity = Quantité
label-reason = Motif
label-no-lines = Aucune ligne.
label-continued = (suite)
label-no-address = Demandez-nous l'adresse de retour.
label-step-print = Imprimez cette page et découpez l'étiquette le long des pointillés.
label-step-pack = Emballez soigneusement les articles listés ci-dessous et collez l'étiquette sur le colis.
label-step-hand-over = Remettez le colis au transporteur. Votre page de suivi suit le retour jusqu'à sa clôture.
