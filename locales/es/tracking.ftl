# La página de seguimiento que el comprador abre desde un enlace.

page-title = Pedido { $number } · { $brand }
order-number = Pedido { $number }
order-po = OC { $po }
language-label = Idioma
language-change = Cambiar

## El titular
partly-delivered-more-to-follow = Entregado en parte, faltan artículos por llegar
shipments-delivered = { $shipments ->
    [one] { $delivered } de { $shipments } envío entregado
   *[other] { $delivered } de { $shipments } envíos entregados
}
more-items-to-follow = { $stage }, faltan artículos por llegar
stage-with-shipments = { $stage } ({ $shipments } envíos)
on-shipment = { $shipment } · { $text }
received-by = Recibido por { $name }
arriving-today = Llega hoy
pickup-at = En { $place }
no-new-date-yet = Aún no tenemos nueva fecha de entrega; aparecerá aquí en cuanto el transportista la indique.
expected-by = Previsto para el
promised-for = Prometido para el
late-on-vehicle = Tu pedido lleva retraso. Estaba prometido para el { $date }; hoy va en el vehículo de reparto.
late-not-arrived = Tu pedido lleva retraso. Estaba prometido para el { $date } y aún no ha llegado. Nos estamos ocupando y actualizaremos esta página en cuanto se mueva.
late-likely = Tu pedido lleva retraso. Es probable que llegue después del { $date }, la fecha prometida.

## La ventana prevista
arriving-on = Llega el { $day }
arriving-window = Llega entre el { $range }, probablemente el { $likely }
forecast-history = Según { $deliveries ->
    [one] { $deliveries } entrega
   *[other] { $deliveries } entregas
} en esta ruta en los últimos { $days } días.
forecast-carrier = Estimación del propio transportista; aún no hay historial de entregas en esta ruta.
forecast-promised = La fecha prometida al comprar; aún no hay historial de entregas en esta ruta.
forecast-last-mile = Según la posición del vehículo de reparto.

## La barra de progreso
progress-label = Progreso
progress-ordered = Pedido
progress-packed = Empaquetado
progress-shipped = Enviado
progress-out-for-delivery = En reparto
progress-delivered = Entregado
progress-partly-delivered = Entregado en parte

## Problemas
problems-label = Problemas con tu entrega
condition-temperature = Temperatura medida: { $value } °C, { $limit }, { $lasted }.
condition-humidity = Humedad medida: { $value } %, { $limit }, { $lasted }.
condition-shock = Impacto medido: { $value } g, { $limit }, { $lasted }.
condition-battery = Batería: { $value } %, { $limit }, { $lasted }.
condition-door = La puerta estuvo abierta { $lasted }.
condition-above = por encima del límite de { $limit }
condition-below = por debajo del límite de { $limit }
condition-outside = fuera de sus límites
condition-for = durante { $duration }
condition-for-so-far = desde hace { $duration }
condition-back = De nuevo dentro del rango. { $text }
duration-minutes = { $minutes } min
duration-hours = { $hours } h
duration-hours-minutes = { $hours } h { $minutes } min

## El historial
tracking-history = Historial de seguimiento
time-zone-note = Las horas se muestran en la zona horaria de la dirección de entrega ({ $zone }).
source-clock = { $time } hora local (UTC{ $offset })
show-all-updates = { $count ->
    [one] Mostrar { $count } actualización
   *[other] Mostrar las { $count } actualizaciones
}
show-fewer-updates = Mostrar menos actualizaciones
new-update = Nueva actualización:

## Envíos y artículos
shipment-one = Envío
timeline-return = Devolución
shipment-n-of = Envío { $index } de { $count }
shipments-heading = Tu pedido se envía en varios paquetes
shipment-waiting = Empaquetado, esperando al transportista
tracking-number = Número de seguimiento
items-heading = Artículos
item-column = Artículo
ordered-column = Pedidos
shipped-column = Enviados
to-follow-column = Por llegar
will-not-ship = { $count ->
    [one] { $count } no se enviará (cancelado)
   *[other] { $count } no se enviarán (cancelados)
}

## La última milla
on-its-way-heading = De camino hacia ti
arriving-between = Llega entre las { $from } y las { $to }
location-updated = Ubicación actualizada a las { $time }
next-delivery = Eres la siguiente entrega
deliveries-before = { $count ->
    [one] { $count } entrega antes de la tuya
   *[other] { $count } entregas antes de la tuya
}
map-label = Mapa del vehículo de reparto y de tu dirección
map-vehicle = Vehículo de reparto
map-address = Dirección de entrega

## Prueba de entrega
pod-heading = Prueba de entrega
pod-received-by = Recibido por
pod-signature-of = Firma de { $name }
pod-photo = Foto de la entrega { $number }

## Dirección y ayuda
help-heading = ¿Necesitas ayuda con esta entrega?
change-delivery = Organiza una nueva entrega o una recogida con { $carrier }
request-kind-label = ¿Qué necesitas?
request-instructions = Actualizar las instrucciones de entrega
request-problem = Informar de un problema
request-text-label = Tu mensaje
request-send = Enviar a atención al cliente
request-sent = Gracias. Atención al cliente ha recibido tu mensaje y te responderá.
request-empty = Elige lo que necesitas y escribe un mensaje (como máximo 1000 caracteres).
request-limited = Hoy ya has enviado varios mensajes; atención al cliente te responderá.
carrier-site = en la web del transportista
copy-tracking-number = Copiar
copied = Copiado
delivering-to = Dirección de entrega
contact-service = Contacta con atención al cliente de { $brand }:

## Avisos por correo o SMS
updates-heading = Recibe avisos
updates-when-ships = cuando tu pedido se envíe, salga a reparto y llegue
updates-when-rest-ships = cuando el resto de tu pedido se envíe, salga a reparto y llegue
updates-when-out = cuando tu pedido salga a reparto y llegue
updates-when-arrives = cuando tu pedido llegue
updates-intro = Te avisaremos por correo o SMS { $when }, y enseguida si algo sale mal.
updates-confirmed = Listo: te avisaremos { $when }.
updates-address-label = Correo electrónico o móvil (con +prefijo del país)
updates-send-code = Envíame un código
updates-code-sent = Hemos enviado un código a { $address }.
updates-code-label = Código
updates-confirm = Confirmar
updates-link-invalid = Este enlace de seguimiento ya no es válido.
updates-enter-address = Introduce un correo electrónico válido o un número de móvil con su +prefijo del país.
updates-already = { $address } ya recibe avisos.
updates-too-many-codes = Ya hemos enviado varios códigos; vuelve a intentarlo dentro de una hora.
updates-start-again = Empieza de nuevo con tu correo electrónico o tu número de teléfono.
updates-wrong-code = Ese código no es correcto (o ha caducado). Revísalo o pide uno nuevo.
updates-unavailable = Los avisos no están disponibles en este momento.

## The proof-of-delivery PDF a buyer downloads
pod-pdf-title = Comprobante de entrega
pod-pdf-order = Pedido
pod-pdf-customer-po = OC del cliente
pod-pdf-shipment = Envío
pod-pdf-received-by = Recibido por
pod-pdf-delivered-at = Entregado el
pod-pdf-place = Lugar
pod-pdf-ship-to = Enviar a
pod-pdf-reference = Referencia
pod-pdf-lines = Líneas
pod-pdf-line = Línea
pod-pdf-sku = SKU
pod-pdf-description = Descripción
pod-pdf-quantity = Cantidad
pod-pdf-no-lines = No hay líneas registradas.
pod-pdf-note = Nota
pod-pdf-stored-files = Archivos guardados
pod-pdf-no-files = No hay archivos guardados.
pod-pdf-receiving = Constatado en la recepción
pod-pdf-continued = (continuación)
pod-pdf-download = Comprobante de entrega (PDF)

# Returns
returns-heading = Devoluciones
returns-up-to = Hasta { $quantity }
returns-window = Puedes devolver artículos hasta el { $date }.
returns-start = Devolver artículos
returns-quantity = Cantidad
returns-reason = Motivo
returns-photo = Foto
returns-comment = ¿Algo más que debamos saber? (opcional)
returns-resolution = ¿Qué prefieres?
returns-submit = Solicitar devolución
returns-photo-needed = Se necesita una foto para: { $reasons }.
returns-requested-at = Solicitada { $when }
returns-label = Imprimir etiqueta de devolución (PDF)
returns-tracking = Seguimiento de la devolución: { $carrier } { $number }
returns-credited = Saldo a favor emitido: { $amount } (ref. { $reference })
returns-refunded = Reembolso emitido: { $amount } (ref. { $reference })
returns-sent = Devolución { $rma } solicitada. Síguela aquí.
returns-declined-because = Motivo: { $reason }
returns-refused-outside_window = El plazo de devolución de estos artículos ha terminado.
returns-refused-not_returnable = Estos artículos no admiten devolución.
returns-refused-more_than_returnable = Has pedido devolver más de lo que aún se puede devolver.
returns-refused-photo_required = Añade una foto de los artículos dañados o que no funcionan.
returns-refused-photo_unreadable = No pudimos usar esa foto. Envía un JPEG o PNG de 8 MB como máximo.
returns-refused-nothing = Elige al menos un artículo y un motivo.
returns-refused-limited = Demasiadas solicitudes de devolución hoy. Contáctanos, por favor.
return-reason-wrong_item = Artículo equivocado
return-reason-damaged = Llegó dañado
return-reason-defective = No funciona
return-reason-not_as_described = No es como se describía
return-reason-no_longer_needed = Ya no lo necesito
return-reason-arrived_late = Llegó demasiado tarde
return-reason-other = Otro motivo
return-resolution-refund = Reembolso
return-resolution-exchange = Cambio
return-resolution-store_credit = Saldo a favor

# Return label
label-title = Etiqueta de devolución
label-from = De
label-to = Para
label-rma = Número de devolución
label-order = Pedido
label-cut-here = Recorta por la línea discontinua
label-instructions = Instrucciones
label-contents = En este paquete
label-sku = SKU
label-description = Descripción
label-quantity = Cantidad
label-reason = Motivo
label-no-lines = Sin líneas.
label-continued = (continuación)
label-no-address = Pídenos la dirección de devolución.
label-step-print = Imprime esta página y recorta la etiqueta por la línea discontinua.
label-step-pack = Embala bien los artículos de la lista y pega la etiqueta por fuera del paquete.
label-step-hand-over = Entrega el paquete al transportista. Tu página de seguimiento sigue la devolución hasta que se cierre.
