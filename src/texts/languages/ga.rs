//! Irish ("tú", as Irish addresses the reader).

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Fianáin ar an suíomh seo",
    body: "Úsáideann an suíomh seo i gcónaí na fianáin a theastaíonn uaidh chun oibriú \
           agus, le do thoiliú amháin, fianáin le haghaidh roghanna, anailísíochta agus \
           margaíochta. Tá sé chomh héasca diúltú is atá sé glacadh leo, agus is féidir \
           leat do rogha a athrú am ar bith faoi “Socruithe fianán”.",
    accept_all: "Glac le gach ceann",
    reject_all: "Diúltaigh do gach ceann",
    withdraw: "Tarraing siar do thoiliú",
    customize: "Saincheap",
    save: "Sábháil na roghanna",
    settings: "Socruithe fianán",
    back: "Ar ais chuig an suíomh",
    always_on: "Ar siúl i gcónaí",
    gpc_notice: "Sheol do bhrabhsálaí comhartha Global Privacy Control (GPC), mar sin \
                 fanann fianáin mhargaíochta múchta.",
    saved: "Sábháladh do rogha.",
    not_saved: "Níorbh fhéidir do rogha a shábháil.",
    records: "Íoslódáil mo thaifid toilithe",
    reload_notice: "Athlódáil an leathanach chun stop a chur leis an méid atá ag rith cheana.",
    necessary: (
        "Riachtanach",
        "Ní féidir leis an suíomh oibriú gan iad: seisiúin, slándáil agus an rogha \
         seo a mheabhrú."
    ),
    preferences: (
        "Roghanna",
        "Meabhraíonn siad na roghanna a dhéanann tú, mar shampla téama nó teanga."
    ),
    analytics: (
        "Anailísíocht",
        "Tomhaiseann siad conas a úsáidtear an suíomh."
    ),
    marketing: ("Margaíocht", "Fógraíocht agus rianú trasna suíomhanna."),
    declaration: (declaration! {
        title: "Dearbhú fianán",
        intro: "Seo iad, de réir catagóire, na fianáin a úsáideann an suíomh seo nó a \
                chonacthas in úsáid air. Ní úsáidtear ach fianáin riachtanacha gan do \
                thoiliú.",
        show_cookies: "Taispeáin fianáin",
        name: "Ainm",
        provider: "Soláthraí",
        purpose: "Cuspóir",
        lifetime: "Ré",
        party: "Cineál",
        first_party: "Céadpháirtí",
        third_party: "Tríú páirtí",
        this_site: "An suíomh seo",
        consent_cookie: "Meabhraíonn sé do rogha fianán.",
        session: "Seisiún",
        varies: "Éagsúil",
        not_stated: "Níl sé luaite",
        no_cookies: "Níl aon fhianáin sa chatagóir seo.",
        // Irish counts with the singular noun; the mutations a spelled-out number causes
        // (dhá bhliain, trí bliana, seacht mbliana) cannot follow a digit, so the plain
        // form is used throughout.
        seconds: "{n} soicind|{n} soicind",
        minutes: "{n} nóiméad|{n} nóiméad",
        hours: "{n} uair an chloig|{n} uair an chloig",
        days: "{n} lá|{n} lá",
        months: "{n} mí|{n} mí",
        years: "{n} bliain|{n} bliain",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
