//! Searches (requisas), the items they seized and each item's chain of custody, as
//! stored; and the sums that seizure statistics are made of.

use custodia_domain::seizure::Holder;

use crate::conn::{Cells, Conn};
use crate::db::Store;
use crate::error::StoreError;
use crate::persons::first_id;
use crate::write::WriteTx;

/// A search as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// The facility searched.
    pub facility: String,
    /// `cell`, `area` or `person`.
    pub kind: String,
    /// Why.
    pub reason: String,
    /// Who authorised it.
    pub authorised_by: String,
    /// When it began.
    pub started_at: String,
    /// When it ended.
    pub ended_at: String,
    /// For a search of a person: who.
    pub person_id: Option<i64>,
    /// The searcher was of the same sex (searches of persons).
    pub same_sex_searcher: Option<bool>,
    /// Made in private (searches of persons).
    pub in_private: Option<bool>,
    /// Intrusive (searches of persons).
    pub intrusive: Option<bool>,
    /// The health professional who made an intrusive search.
    pub health_professional: Option<String>,
    /// Why an intrusive search was necessary.
    pub intrusive_reason: Option<String>,
    /// A note.
    pub note: Option<String>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

macro_rules! search_columns {
    () => {
        "id, facility, kind, reason, authorised_by, started_at, ended_at, person_id, \
         same_sex_searcher, in_private, intrusive, health_professional, intrusive_reason, note, \
         recorded_at, recorded_by"
    };
}

fn flag(r: &dyn Cells, i: usize) -> Result<Option<bool>, StoreError> {
    Ok(r.opt_int(i)?.map(|v| v != 0))
}

fn search(r: &dyn Cells) -> Result<SearchRow, StoreError> {
    Ok(SearchRow {
        id: r.int(0)?,
        facility: r.text(1)?,
        kind: r.text(2)?,
        reason: r.text(3)?,
        authorised_by: r.text(4)?,
        started_at: r.text(5)?,
        ended_at: r.text(6)?,
        person_id: r.opt_int(7)?,
        same_sex_searcher: flag(r, 8)?,
        in_private: flag(r, 9)?,
        intrusive: flag(r, 10)?,
        health_professional: r.opt_text(11)?,
        intrusive_reason: r.opt_text(12)?,
        note: r.opt_text(13)?,
        recorded_at: r.text(14)?,
        recorded_by: r.text(15)?,
    })
}

/// A member of a search team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRow {
    /// Name.
    pub name: String,
    /// Role in the search.
    pub role: Option<String>,
    /// The staff member, when known.
    pub staff_id: Option<i64>,
}

/// Which searches to list.
#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    /// At this facility (`None`: every facility).
    pub facility: Option<String>,
    /// Begun at or after.
    pub from: Option<String>,
    /// Begun before.
    pub to: Option<String>,
    /// At most.
    pub limit: i64,
}

/// One line of what a search seized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// The search that seized it.
    pub search_id: i64,
    /// The search's facility.
    pub facility: String,
    /// Category id.
    pub category: String,
    /// What it is.
    pub description: Option<String>,
    /// How many.
    pub quantity: i64,
    /// For drugs: which.
    pub drug_kind: Option<String>,
    /// For drugs: the weight in milligrams.
    pub weight_mg: Option<i64>,
    /// For cash: the currency.
    pub currency: Option<String>,
    /// For cash: the amount in minor units.
    pub amount_minor: Option<i64>,
    /// Where found: a location of the facility.
    pub location_id: Option<i64>,
    /// Where found, in words.
    pub found_place: Option<String>,
    /// The person it is linked to.
    pub person_id: Option<i64>,
    /// A photograph, by reference.
    pub photo_reference: Option<String>,
    /// When found.
    pub found_at: String,
    /// The civil month found, in the facility's time zone (`YYYY-MM`).
    pub found_month: String,
    /// Who first held it.
    pub first_holder: Holder,
    /// Who holds it now (or last held it, when disposed of).
    pub holder: Holder,
    /// Since when.
    pub held_since: String,
    /// How it was disposed of, if it was.
    pub disposal: Option<String>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

macro_rules! item_columns {
    () => {
        "id, search_id, facility, category, description, quantity, drug_kind, weight_mg, \
         currency, amount_minor, location_id, found_place, person_id, photo_reference, found_at, \
         found_month, first_staff_id, first_name, first_office, holder_staff_id, holder_name, \
         holder_office, held_since, disposal, recorded_at, recorded_by"
    };
}

fn holder(r: &dyn Cells, at: usize) -> Result<Holder, StoreError> {
    Ok(Holder {
        staff_id: r.opt_int(at)?,
        name: r.opt_text(at + 1)?,
        office: r.opt_text(at + 2)?,
    })
}

fn item(r: &dyn Cells) -> Result<ItemRow, StoreError> {
    Ok(ItemRow {
        id: r.int(0)?,
        search_id: r.int(1)?,
        facility: r.text(2)?,
        category: r.text(3)?,
        description: r.opt_text(4)?,
        quantity: r.int(5)?,
        drug_kind: r.opt_text(6)?,
        weight_mg: r.opt_int(7)?,
        currency: r.opt_text(8)?,
        amount_minor: r.opt_int(9)?,
        location_id: r.opt_int(10)?,
        found_place: r.opt_text(11)?,
        person_id: r.opt_int(12)?,
        photo_reference: r.opt_text(13)?,
        found_at: r.text(14)?,
        found_month: r.text(15)?,
        first_holder: holder(r, 16)?,
        holder: holder(r, 19)?,
        held_since: r.text(22)?,
        disposal: r.opt_text(23)?,
        recorded_at: r.text(24)?,
        recorded_by: r.text(25)?,
    })
}

/// One link of a chain of custody.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// The item.
    pub item_id: i64,
    /// Who handed it over.
    pub from: Holder,
    /// Who received it.
    pub to: Holder,
    /// When.
    pub at: String,
    /// What for.
    pub purpose: String,
    /// For the last link: how the item was disposed of.
    pub disposal: Option<String>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

macro_rules! handover_columns {
    () => {
        "h.id, h.item_id, h.from_staff_id, h.from_name, h.from_office, h.to_staff_id, h.to_name, \
         h.to_office, h.at, h.purpose, h.disposal, h.recorded_at, h.recorded_by"
    };
}

fn handover(r: &dyn Cells) -> Result<HandoverRow, StoreError> {
    Ok(HandoverRow {
        id: r.int(0)?,
        item_id: r.int(1)?,
        from: holder(r, 2)?,
        to: holder(r, 5)?,
        at: r.text(8)?,
        purpose: r.text(9)?,
        disposal: r.opt_text(10)?,
        recorded_at: r.text(11)?,
        recorded_by: r.text(12)?,
    })
}

/// Items seized and their quantity, for one facility, month and category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategorySum {
    /// Facility.
    pub facility: String,
    /// `YYYY-MM`, in the facility's time zone.
    pub month: String,
    /// Category id.
    pub category: String,
    /// How many lines (items recorded).
    pub items: i64,
    /// Their total quantity.
    pub quantity: i64,
}

/// The quantity and weight of one kind of drug, for one facility and month; or the
/// amount of one currency (`key`, `total` in minor units).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailSum {
    /// Facility.
    pub facility: String,
    /// `YYYY-MM`, in the facility's time zone.
    pub month: String,
    /// Drug kind or currency.
    pub key: String,
    /// How many lines.
    pub items: i64,
    /// Their total quantity.
    pub quantity: i64,
    /// Milligrams, or minor units of the currency.
    pub total: i64,
}

/// The window and facility statistics are taken over (`None`: no bound).
#[derive(Debug, Clone, Default)]
pub struct StatsFilter {
    /// One facility.
    pub facility: Option<String>,
    /// Found at or after.
    pub from: Option<String>,
    /// Found before.
    pub to: Option<String>,
}

fn sums(r: &dyn Cells) -> Result<DetailSum, StoreError> {
    Ok(DetailSum {
        facility: r.text(0)?,
        month: r.text(1)?,
        key: r.text(2)?,
        items: r.int(3)?,
        quantity: r.int(4)?,
        total: r.int(5)?,
    })
}

async fn search_by_id(conn: &mut Conn<'_>, id: i64) -> Result<Option<SearchRow>, StoreError> {
    conn.fetch_optional(
        concat!("SELECT ", search_columns!(), " FROM searches WHERE id = $1"),
        &[id.into()],
        search,
    )
    .await
}

async fn item_by_id(conn: &mut Conn<'_>, id: i64) -> Result<Option<ItemRow>, StoreError> {
    conn.fetch_optional(
        concat!(
            "SELECT ",
            item_columns!(),
            " FROM seized_items WHERE id = $1"
        ),
        &[id.into()],
        item,
    )
    .await
}

impl Store {
    /// One search.
    pub async fn search(&self, id: i64) -> Result<Option<SearchRow>, StoreError> {
        let mut r = self.reader().await?;
        search_by_id(&mut r.conn()?, id).await
    }

    /// Searches, latest begun first, with how many item lines each seized.
    pub async fn searches(&self, f: &SearchFilter) -> Result<Vec<(SearchRow, i64)>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    search_columns!(),
                    ", (SELECT COUNT(*) FROM seized_items i WHERE i.search_id = searches.id) \
                     FROM searches WHERE (CAST($1 AS TEXT) IS NULL OR facility = $1) \
                     AND (CAST($2 AS TEXT) IS NULL OR started_at >= $2) \
                     AND (CAST($3 AS TEXT) IS NULL OR started_at < $3) \
                     ORDER BY started_at DESC, id DESC LIMIT $4"
                ),
                &[
                    f.facility.as_deref().into(),
                    f.from.as_deref().into(),
                    f.to.as_deref().into(),
                    f.limit.into(),
                ],
                |r| Ok((search(r)?, r.int(16)?)),
            )
            .await
    }

    /// The locations a search named, in id order.
    pub async fn search_locations(&self, search_id: i64) -> Result<Vec<i64>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT location_id FROM search_locations WHERE search_id = $1 ORDER BY location_id",
                &[search_id.into()],
                |r| r.int(0),
            )
            .await
    }

    /// A search's team, in the order given.
    pub async fn search_team(&self, search_id: i64) -> Result<Vec<TeamRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT name, role, staff_id FROM search_team WHERE search_id = $1 ORDER BY position",
                &[search_id.into()],
                |r| {
                    Ok(TeamRow {
                        name: r.text(0)?,
                        role: r.opt_text(1)?,
                        staff_id: r.opt_int(2)?,
                    })
                },
            )
            .await
    }

    /// What a search seized, in the order recorded.
    pub async fn items_of_search(&self, search_id: i64) -> Result<Vec<ItemRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    item_columns!(),
                    " FROM seized_items WHERE search_id = $1 ORDER BY id"
                ),
                &[search_id.into()],
                item,
            )
            .await
    }

    /// One seized item.
    pub async fn seized_item(&self, id: i64) -> Result<Option<ItemRow>, StoreError> {
        let mut r = self.reader().await?;
        item_by_id(&mut r.conn()?, id).await
    }

    /// The handovers of every item of a search, item by item, in order.
    pub async fn handovers_of_search(
        &self,
        search_id: i64,
    ) -> Result<Vec<HandoverRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    handover_columns!(),
                    " FROM item_handovers h JOIN seized_items i ON i.id = h.item_id \
                     WHERE i.search_id = $1 ORDER BY h.item_id, h.id"
                ),
                &[search_id.into()],
                handover,
            )
            .await
    }

    /// An item's chain of custody, in order.
    pub async fn handovers(&self, item_id: i64) -> Result<Vec<HandoverRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    handover_columns!(),
                    " FROM item_handovers h WHERE h.item_id = $1 ORDER BY h.id"
                ),
                &[item_id.into()],
                handover,
            )
            .await
    }

    /// Item lines and quantities by facility, month and category.
    pub async fn seizure_sums(&self, f: &StatsFilter) -> Result<Vec<CategorySum>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT facility, found_month, category, COUNT(*), CAST(SUM(quantity) AS BIGINT) \
                 FROM seized_items WHERE (CAST($1 AS TEXT) IS NULL OR facility = $1) \
                 AND (CAST($2 AS TEXT) IS NULL OR found_at >= $2) \
                 AND (CAST($3 AS TEXT) IS NULL OR found_at < $3) \
                 GROUP BY facility, found_month, category \
                 ORDER BY facility, found_month, category",
                &[
                    f.facility.as_deref().into(),
                    f.from.as_deref().into(),
                    f.to.as_deref().into(),
                ],
                |r| {
                    Ok(CategorySum {
                        facility: r.text(0)?,
                        month: r.text(1)?,
                        category: r.text(2)?,
                        items: r.int(3)?,
                        quantity: r.int(4)?,
                    })
                },
            )
            .await
    }

    /// Drugs by facility, month and kind: lines, quantity and milligrams.
    pub async fn drug_sums(&self, f: &StatsFilter) -> Result<Vec<DetailSum>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT facility, found_month, drug_kind, COUNT(*), CAST(SUM(quantity) AS BIGINT), \
                 CAST(SUM(weight_mg) AS BIGINT) FROM seized_items \
                 WHERE drug_kind IS NOT NULL AND weight_mg IS NOT NULL \
                 AND (CAST($1 AS TEXT) IS NULL OR facility = $1) \
                 AND (CAST($2 AS TEXT) IS NULL OR found_at >= $2) \
                 AND (CAST($3 AS TEXT) IS NULL OR found_at < $3) \
                 GROUP BY facility, found_month, drug_kind \
                 ORDER BY facility, found_month, drug_kind",
                &[
                    f.facility.as_deref().into(),
                    f.from.as_deref().into(),
                    f.to.as_deref().into(),
                ],
                sums,
            )
            .await
    }

    /// Cash by facility, month and currency: lines, quantity and minor units.
    pub async fn cash_sums(&self, f: &StatsFilter) -> Result<Vec<DetailSum>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT facility, found_month, currency, COUNT(*), CAST(SUM(quantity) AS BIGINT), \
                 CAST(SUM(amount_minor) AS BIGINT) FROM seized_items \
                 WHERE currency IS NOT NULL AND amount_minor IS NOT NULL \
                 AND (CAST($1 AS TEXT) IS NULL OR facility = $1) \
                 AND (CAST($2 AS TEXT) IS NULL OR found_at >= $2) \
                 AND (CAST($3 AS TEXT) IS NULL OR found_at < $3) \
                 GROUP BY facility, found_month, currency \
                 ORDER BY facility, found_month, currency",
                &[
                    f.facility.as_deref().into(),
                    f.from.as_deref().into(),
                    f.to.as_deref().into(),
                ],
                sums,
            )
            .await
    }
}

impl WriteTx {
    /// One search, as this transaction sees it.
    pub async fn search(&mut self, id: i64) -> Result<Option<SearchRow>, StoreError> {
        search_by_id(&mut self.conn(), id).await
    }

    /// One seized item, as this transaction sees it.
    pub async fn seized_item(&mut self, id: i64) -> Result<Option<ItemRow>, StoreError> {
        item_by_id(&mut self.conn(), id).await
    }

    /// Records a search with the locations it named and its team; returns its id.
    pub async fn insert_search(
        &mut self,
        s: &SearchRow,
        location_ids: &[i64],
        team: &[TeamRow],
    ) -> Result<i64, StoreError> {
        let id = first_id(
            self.conn()
                .fetch(
                    "INSERT INTO searches (facility, kind, reason, authorised_by, started_at, \
                     ended_at, person_id, same_sex_searcher, in_private, intrusive, \
                     health_professional, intrusive_reason, note, recorded_at, recorded_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                     RETURNING id",
                    &[
                        (&s.facility).into(),
                        (&s.kind).into(),
                        (&s.reason).into(),
                        (&s.authorised_by).into(),
                        (&s.started_at).into(),
                        (&s.ended_at).into(),
                        s.person_id.into(),
                        s.same_sex_searcher.map(i64::from).into(),
                        s.in_private.map(i64::from).into(),
                        s.intrusive.map(i64::from).into(),
                        s.health_professional.as_deref().into(),
                        s.intrusive_reason.as_deref().into(),
                        s.note.as_deref().into(),
                        (&s.recorded_at).into(),
                        (&s.recorded_by).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )?;
        for location in location_ids {
            self.conn()
                .execute(
                    "INSERT INTO search_locations (search_id, location_id) VALUES ($1, $2)",
                    &[id.into(), (*location).into()],
                )
                .await?;
        }
        for (position, m) in team.iter().enumerate() {
            self.conn()
                .execute(
                    "INSERT INTO search_team (search_id, position, name, role, staff_id) \
                     VALUES ($1, $2, $3, $4, $5)",
                    &[
                        id.into(),
                        (position as i64).into(),
                        (&m.name).into(),
                        m.role.as_deref().into(),
                        m.staff_id.into(),
                    ],
                )
                .await?;
        }
        Ok(id)
    }

    /// Records a seized item; returns its id.
    pub async fn insert_item(&mut self, i: &ItemRow) -> Result<i64, StoreError> {
        first_id(
            self.conn()
                .fetch(
                    "INSERT INTO seized_items (search_id, facility, category, description, \
                     quantity, drug_kind, weight_mg, currency, amount_minor, location_id, \
                     found_place, person_id, photo_reference, found_at, found_month, \
                     first_staff_id, first_name, first_office, holder_staff_id, holder_name, \
                     holder_office, held_since, disposal, recorded_at, recorded_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                     $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) RETURNING id",
                    &[
                        i.search_id.into(),
                        (&i.facility).into(),
                        (&i.category).into(),
                        i.description.as_deref().into(),
                        i.quantity.into(),
                        i.drug_kind.as_deref().into(),
                        i.weight_mg.into(),
                        i.currency.as_deref().into(),
                        i.amount_minor.into(),
                        i.location_id.into(),
                        i.found_place.as_deref().into(),
                        i.person_id.into(),
                        i.photo_reference.as_deref().into(),
                        (&i.found_at).into(),
                        (&i.found_month).into(),
                        i.first_holder.staff_id.into(),
                        i.first_holder.name.as_deref().into(),
                        i.first_holder.office.as_deref().into(),
                        i.holder.staff_id.into(),
                        i.holder.name.as_deref().into(),
                        i.holder.office.as_deref().into(),
                        (&i.held_since).into(),
                        i.disposal.as_deref().into(),
                        (&i.recorded_at).into(),
                        (&i.recorded_by).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )
    }

    /// Appends a link to an item's chain of custody and makes its receiver the holder
    /// (and the item disposed of, with a disposal); returns the link's id.
    pub async fn insert_handover(&mut self, h: &HandoverRow) -> Result<i64, StoreError> {
        let id = first_id(
            self.conn()
                .fetch(
                    "INSERT INTO item_handovers (item_id, from_staff_id, from_name, from_office, \
                     to_staff_id, to_name, to_office, at, purpose, disposal, recorded_at, \
                     recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                     RETURNING id",
                    &[
                        h.item_id.into(),
                        h.from.staff_id.into(),
                        h.from.name.as_deref().into(),
                        h.from.office.as_deref().into(),
                        h.to.staff_id.into(),
                        h.to.name.as_deref().into(),
                        h.to.office.as_deref().into(),
                        (&h.at).into(),
                        (&h.purpose).into(),
                        h.disposal.as_deref().into(),
                        (&h.recorded_at).into(),
                        (&h.recorded_by).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )?;
        self.conn()
            .execute(
                "UPDATE seized_items SET holder_staff_id = $2, holder_name = $3, \
                 holder_office = $4, held_since = $5, disposal = $6 WHERE id = $1",
                &[
                    h.item_id.into(),
                    h.to.staff_id.into(),
                    h.to.name.as_deref().into(),
                    h.to.office.as_deref().into(),
                    (&h.at).into(),
                    h.disposal.as_deref().into(),
                ],
            )
            .await?;
        Ok(id)
    }
}
