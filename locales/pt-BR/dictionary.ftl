# Textos do dicionário de status para compradores: um rótulo e uma
# explicação por etapa e por ocorrência.

milestone-placed = Pedido realizado
milestone-placed-explain = Recebemos o seu pedido.
milestone-confirmed = Pedido confirmado
milestone-confirmed-explain = Seu pedido está confirmado e sendo preparado.
milestone-released_to_warehouse = Enviado ao armazém
milestone-released_to_warehouse-explain = {""}
milestone-picked = Separado
milestone-picked-explain = {""}
milestone-packed = Embalado
milestone-packed-explain = Seus itens estão embalados e aguardando a transportadora.
milestone-shipped = Enviado
milestone-shipped-explain = A transportadora está com o seu pacote.
milestone-in_transit = Em trânsito
milestone-in_transit-explain = Seu pacote está a caminho.
milestone-arrived_at_hub = Chegou ao centro de distribuição local
milestone-arrived_at_hub-explain = Seu pacote chegou ao centro de distribuição perto de você.
milestone-out_for_delivery = Saiu para entrega
milestone-out_for_delivery-explain = Seu pacote está no veículo de entrega hoje.
milestone-arriving_soon = Chegando
milestone-arriving_soon-explain = O entregador está quase no seu endereço.
milestone-delivered = Entregue
milestone-delivered-explain = Seu pacote foi entregue.

exception-delayed = Atrasado
exception-delayed-explain = Seu pacote está atrasado. Ele continua a caminho e atualizaremos a data de entrega assim que a transportadora atualizar.
exception-delayed-next = Continua a caminho; a nova data aparece aqui assim que a transportadora informar.
exception-failed_attempt = Tentativa de entrega sem sucesso
exception-failed_attempt-explain = O entregador não conseguiu entregar seu pacote. Normalmente ele tenta de novo no próximo dia útil.
exception-failed_attempt-next = A transportadora normalmente tenta de novo no próximo dia útil.
exception-address_issue = Problema com o endereço
exception-address_issue-explain = A transportadora não encontrou ou não conseguiu chegar ao endereço de entrega. Entre em contato para corrigirmos.
exception-address_issue-next = Entre em contato para corrigirmos o endereço; enquanto isso, o pacote aguarda.
exception-damaged = Danificado no transporte
exception-damaged-explain = Seu pacote foi danificado no caminho. Nossa equipe de atendimento entrará em contato sobre a substituição.
exception-damaged-next = Nossa equipe de atendimento entrará em contato sobre a substituição.
exception-held = Retido
exception-held-explain = Seu pacote está retido pela transportadora (por exemplo, na alfândega ou no depósito). Ele seguirá assim que for liberado.
exception-held-next = Ele segue assim que a transportadora liberar; esta página será atualizada quando isso acontecer.
exception-returned_to_sender = Devolvido ao remetente
exception-returned_to_sender-explain = Seu pacote está voltando para nós. Fale com o atendimento para combinar uma nova entrega ou um reembolso.
exception-returned_to_sender-next = Fale conosco para combinar uma nova entrega ou um reembolso.
exception-cancelled = Cancelado
exception-cancelled-explain = Este pedido foi cancelado.
exception-cancelled-next = Nada mais deste pedido será enviado.
exception-condition_excursion = Alerta de condições
exception-condition_excursion-explain = Um sensor que viaja com a sua remessa registrou condições fora da faixa combinada. Nossa equipe está verificando a mercadoria.
exception-condition_excursion-next = Nossa equipe está verificando a mercadoria e entrará em contato se ela tiver sido afetada.
exception-receiving_discrepancy = Diferença de quantidade no recebimento
exception-receiving_discrepancy-explain = A quantidade contada no recebimento é diferente da enviada. Nossa equipe está verificando.
exception-receiving_discrepancy-next = Nossa equipe está verificando a diferença.
exception-predicted_late = Com atraso
exception-predicted_late-explain = Seu pedido deve chegar depois da data prometida. Ele continua a caminho; estamos acompanhando.
exception-predicted_late-next = Continua a caminho; estamos acompanhando.
exception-incomplete_order = Dados do pedido incompletos
exception-incomplete_order-explain = Estamos completando os dados do seu pedido antes do envio. Entraremos em contato se precisarmos de algo.
exception-incomplete_order-next = Entraremos em contato se precisarmos de algo antes do envio.

resolved-condition_excursion = Condições de volta à faixa
resolved-predicted_late = De volta ao prazo
resolved-incomplete_order = Dados do pedido completados
resolved-other = Problema resolvido

# Significados mais precisos que o comprador deve ler.
meaning-available_for_pickup = Disponível para retirada
meaning-available_for_pickup-explain = Seu pacote está esperando por você em um ponto de retirada. Leve um documento com foto e o código de rastreamento; ele fica guardado por tempo limitado.
meaning-delivered_to_neighbour = Entregue a um vizinho
meaning-delivered_to_neighbour-explain = O entregador deixou seu pacote com um vizinho.
meaning-delivered_to_safe_place = Entregue em local seguro
meaning-delivered_to_safe_place-explain = O entregador deixou seu pacote no local seguro combinado para este endereço.
meaning-delivered_to_locker = Entregue em armário inteligente
meaning-delivered_to_locker-explain = Seu pacote está em um armário de retirada; a transportadora envia o código para abri-lo.
meaning-lost = Extraviado
meaning-lost-explain = A transportadora extraviou seu pacote. Nossa equipe de atendimento entrará em contato sobre substituição ou reembolso.
meaning-held_at_customs = Retido na alfândega
meaning-held_at_customs-explain = Seu pacote está sendo fiscalizado pela alfândega. Ele segue após a liberação; podem ser necessários impostos ou documentos.
