# A página de rastreamento que o comprador abre pelo link.

page-title = Pedido { $number } · { $brand }
order-number = Pedido { $number }
order-po = PC { $po }
language-label = Idioma
language-change = Alterar

## O título
partly-delivered-more-to-follow = Entregue em parte, mais itens a caminho
shipments-delivered = { $shipments ->
    [one] { $delivered } de { $shipments } remessa entregue
   *[other] { $delivered } de { $shipments } remessas entregues
}
more-items-to-follow = { $stage }, mais itens a caminho
stage-with-shipments = { $stage } ({ $shipments } remessas)
on-shipment = { $shipment } · { $text }
received-by = Recebido por { $name }
arriving-today = Chega hoje
pickup-at = Em { $place }
no-new-date-yet = Ainda não temos uma nova data de entrega; ela aparece aqui assim que a transportadora informar.
expected-by = Previsto para
promised-for = Prometido para
late-on-vehicle = Seu pedido está atrasado. Ele estava prometido para { $date }; hoje está no veículo de entrega.
late-not-arrived = Seu pedido está atrasado. Ele estava prometido para { $date } e ainda não chegou. Estamos cuidando disso e atualizaremos esta página assim que ele andar.
late-likely = Seu pedido está atrasado. Ele deve chegar depois de { $date }, a data prometida.

## A janela prevista
arriving-on = Chega { $day }
arriving-window = Chega entre { $range }, mais provável { $likely }
forecast-history = Com base em { $deliveries ->
    [one] { $deliveries } entrega
   *[other] { $deliveries } entregas
} nesta rota nos últimos { $days } dias.
forecast-carrier = Estimativa da própria transportadora; ainda não há histórico de entregas nesta rota.
forecast-promised = A data prometida na compra; ainda não há histórico de entregas nesta rota.
forecast-last-mile = Pela posição do veículo de entrega.

## A barra de progresso
progress-label = Progresso
progress-ordered = Pedido
progress-packed = Embalado
progress-shipped = Enviado
progress-out-for-delivery = Saiu para entrega
progress-delivered = Entregue
progress-partly-delivered = Entregue em parte

## Problemas
problems-label = Problemas com a sua entrega
condition-temperature = Temperatura medida: { $value } °C, { $limit }, { $lasted }.
condition-humidity = Umidade medida: { $value }%, { $limit }, { $lasted }.
condition-shock = Impacto medido: { $value } g, { $limit }, { $lasted }.
condition-battery = Bateria: { $value }%, { $limit }, { $lasted }.
condition-door = A porta ficou aberta { $lasted }.
condition-above = acima do limite de { $limit }
condition-below = abaixo do limite de { $limit }
condition-outside = fora dos limites
condition-for = por { $duration }
condition-for-so-far = há { $duration }
condition-back = De volta à faixa. { $text }
duration-minutes = { $minutes } min
duration-hours = { $hours } h
duration-hours-minutes = { $hours } h { $minutes } min

## O histórico
tracking-history = Histórico de rastreamento
time-zone-note = Os horários estão no fuso horário do endereço de entrega ({ $zone }).
source-clock = { $time } horário local (UTC{ $offset })
show-all-updates = { $count ->
    [one] Mostrar { $count } atualização
   *[other] Mostrar todas as { $count } atualizações
}
show-fewer-updates = Mostrar menos atualizações
new-update = Nova atualização:

## Remessas e itens
shipment-one = Remessa
timeline-return = Devolução
shipment-n-of = Remessa { $index } de { $count }
shipments-heading = Seu pedido será enviado em vários pacotes
shipment-waiting = Embalado, aguardando a transportadora
tracking-number = Código de rastreamento
items-heading = Itens
item-column = Item
ordered-column = Pedidos
shipped-column = Enviados
to-follow-column = A caminho
will-not-ship = { $count ->
    [one] { $count } não será enviado (cancelado)
   *[other] { $count } não serão enviados (cancelados)
}

## A última milha
on-its-way-heading = A caminho de você
arriving-between = Chega entre { $from } e { $to }
location-updated = Localização atualizada às { $time }
next-delivery = Você é a próxima entrega
deliveries-before = { $count ->
    [one] { $count } entrega antes da sua
   *[other] { $count } entregas antes da sua
}
map-label = Mapa do veículo de entrega e do seu endereço
map-vehicle = Veículo de entrega
map-address = Endereço de entrega

## Comprovante de entrega
pod-heading = Comprovante de entrega
pod-received-by = Recebido por
pod-signature-of = Assinatura de { $name }
pod-photo = Foto da entrega { $number }

## Endereço e ajuda
help-heading = Precisa de ajuda com esta entrega?
change-delivery = Combine uma nova entrega ou uma retirada com a { $carrier }
request-kind-label = Do que você precisa?
request-instructions = Atualizar as instruções de entrega
request-problem = Informar um problema
request-text-label = Sua mensagem
request-send = Enviar ao atendimento
request-sent = Obrigado. O atendimento recebeu sua mensagem e vai responder.
request-empty = Escolha do que você precisa e escreva uma mensagem (no máximo 1.000 caracteres).
request-limited = Você já enviou várias mensagens hoje; o atendimento vai responder.
carrier-site = no site da transportadora
copy-tracking-number = Copiar
copied = Copiado
delivering-to = Endereço de entrega
contact-service = Fale com o atendimento da { $brand }:

## Avisos por e-mail ou SMS
updates-heading = Receba avisos
updates-when-ships = quando seu pedido for enviado, sair para entrega e chegar
updates-when-rest-ships = quando o restante do seu pedido for enviado, sair para entrega e chegar
updates-when-out = quando seu pedido sair para entrega e chegar
updates-when-arrives = quando seu pedido chegar
updates-intro = Avisaremos você por e-mail ou SMS { $when }, e na hora se algo der errado.
updates-confirmed = Pronto: avisaremos você { $when }.
updates-address-label = E-mail ou celular (com +código do país)
updates-send-code = Enviar um código
updates-code-sent = Enviamos um código para { $address }.
updates-code-label = Código
updates-confirm = Confirmar
updates-link-invalid = Este link de rastreamento não é mais válido.
updates-enter-address = Informe um e-mail válido ou um celular com o +código do país.
updates-already = { $address } já recebe avisos.
updates-too-many-codes = Já enviamos vários códigos; tente de novo daqui a uma hora.
updates-start-again = Comece de novo com seu e-mail ou telefone.
updates-wrong-code = Esse código não está certo (ou expirou). Confira ou peça um novo.
updates-unavailable = Os avisos estão indisponíveis no momento.

## The proof-of-delivery PDF a buyer downloads
pod-pdf-title = Comprovante de entrega
pod-pdf-order = Pedido
pod-pdf-customer-po = Pedido de compra do cliente
pod-pdf-shipment = Remessa
pod-pdf-received-by = Recebido por
pod-pdf-delivered-at = Entregue em
pod-pdf-place = Local
pod-pdf-ship-to = Entregar em
pod-pdf-reference = Referência
pod-pdf-lines = Itens
pod-pdf-line = Item
pod-pdf-sku = SKU
pod-pdf-description = Descrição
pod-pdf-quantity = Quantidade
pod-pdf-no-lines = Nenhum item registrado.
pod-pdf-note = Observação
pod-pdf-stored-files = Arquivos armazenados
pod-pdf-no-files = Nenhum arquivo armazenado.
pod-pdf-receiving = Constatado no recebimento
pod-pdf-continued = (continuação)
pod-pdf-download = Comprovante de entrega (PDF)

# Returns
returns-heading = Devoluções
returns-up-to = Até { $quantity }
returns-window = Você pode devolver itens até { $date }.
returns-start = Devolver itens
returns-quantity = Quantidade
returns-reason = Motivo
returns-photo = Foto
returns-comment = Algo mais que devemos saber? (opcional)
returns-resolution = O que você prefere?
returns-submit = Solicitar devolução
returns-photo-needed = É preciso uma foto para: { $reasons }.
returns-requested-at = Solicitada { $when }
returns-label = Imprimir etiqueta de devolução (PDF)
returns-tracking = Rastreio da devolução: { $carrier } { $number }
returns-credited = Crédito na loja emitido: { $amount } (ref. { $reference })
returns-refunded = Reembolso emitido: { $amount } (ref. { $reference })
returns-sent = Devolução { $rma } solicitada. Acompanhe aqui.
returns-declined-because = Motivo: { $reason }
returns-refused-outside_window = O prazo de devolução destes itens terminou.
returns-refused-not_returnable = Estes itens não podem ser devolvidos.
returns-refused-more_than_returnable = Você pediu para devolver mais do que ainda é possível.
returns-refused-photo_required = Adicione uma foto dos itens danificados ou que não funcionam.
returns-refused-photo_unreadable = Não conseguimos usar essa foto. Envie um JPEG ou PNG de no máximo 8 MB.
returns-refused-nothing = Escolha pelo menos um item e um motivo.
returns-refused-limited = Muitas solicitações de devolução hoje. Fale conosco, por favor.
return-reason-wrong_item = Item errado
return-reason-damaged = Chegou danificado
return-reason-defective = Não funciona
return-reason-not_as_described = Diferente do anunciado
return-reason-no_longer_needed = Não preciso mais
return-reason-arrived_late = Chegou tarde demais
return-reason-other = Outro motivo
return-resolution-refund = Reembolso
return-resolution-exchange = Troca
return-resolution-store_credit = Crédito na loja

# Return label
label-title = Etiqueta de devolução
label-from = De
label-to = Para
label-rma = Número da devolução
label-order = Pedido
label-cut-here = Recorte na linha tracejada
label-instructions = Instruções
label-contents = Neste pacote
label-sku = SKU
label-description = Descrição
label-quantity = Quantidade
label-reason = Motivo
label-no-lines = Sem itens.
label-continued = (continuação)
label-no-address = Peça-nos o endereço de devolução.
label-step-print = Imprima esta página e recorte a etiqueta na linha tracejada.
label-step-pack = Embale bem os itens listados abaixo e cole a etiqueta do lado de fora do pacote.
label-step-hand-over = Entregue o pacote à transportadora. Sua página de rastreio acompanha a devolução até a conclusão.
