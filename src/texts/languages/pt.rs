//! Portuguese (European spelling, polite third person, "o seu").

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Cookies neste site",
    body: "Este site utiliza sempre os cookies de que precisa para funcionar e, apenas \
           com o seu consentimento, cookies de preferências, estatísticas e marketing. \
           Recusar é tão fácil como aceitar, e pode alterar a sua escolha a qualquer \
           momento em «Definições de cookies».",
    accept_all: "Aceitar todos",
    reject_all: "Rejeitar todos",
    withdraw: "Retirar o consentimento",
    customize: "Personalizar",
    save: "Guardar escolhas",
    settings: "Definições de cookies",
    back: "Voltar ao site",
    always_on: "Sempre ativos",
    gpc_notice: "O seu navegador enviou um sinal Global Privacy Control (GPC), pelo que os \
                 cookies de marketing permanecem desativados.",
    saved: "A sua escolha foi guardada.",
    not_saved: "Não foi possível guardar a sua escolha.",
    records: "Transferir os meus registos de consentimento",
    reload_notice: "Recarregue a página para parar o que já está em execução.",
    necessary: (
        "Necessários",
        "Sem eles o site não funciona: sessões, segurança e memorização desta escolha."
    ),
    preferences: (
        "Preferências",
        "Memorizam as escolhas que faz, como o tema ou o idioma."
    ),
    analytics: (
        "Estatísticas",
        "Medem a forma como o site é utilizado."
    ),
    marketing: ("Marketing", "Publicidade e rastreamento entre sites."),
    declaration: (declaration! {
        title: "Declaração de cookies",
        intro: "Estes são, por categoria, os cookies que este site utiliza ou que se \
                verificou que utiliza. Sem o seu consentimento, apenas são utilizados os \
                cookies necessários.",
        show_cookies: "Ver cookies",
        name: "Nome",
        provider: "Fornecedor",
        purpose: "Finalidade",
        lifetime: "Duração",
        party: "Tipo",
        first_party: "Próprio",
        third_party: "De terceiros",
        this_site: "Este site",
        consent_cookie: "Memoriza a sua escolha sobre cookies.",
        session: "Sessão",
        varies: "Variável",
        not_stated: "Não indicado",
        no_cookies: "Não há cookies nesta categoria.",
        seconds: "{n} segundo|{n} segundos",
        minutes: "{n} minuto|{n} minutos",
        hours: "{n} hora|{n} horas",
        days: "{n} dia|{n} dias",
        months: "{n} mês|{n} meses",
        years: "{n} ano|{n} anos",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
