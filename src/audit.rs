//! The audit log: who changed what, when, on which object, with the changed fields before and
//! after. Every feature's writes record their event here, in the same transaction as the
//! change. A leaf module (queries over any executor, no HTTP).

use crate::vocabulary::UserId;
use serde_json::Value;
use sqlx::PgExecutor;

/// Who acted, for the audit log: a signed-in user, or the command line.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<UserId>,
    pub label: String,
}

impl Actor {
    pub fn command_line() -> Self {
        Self {
            user_id: None,
            label: "ligne de commande".to_owned(),
        }
    }
}

/// Records one audit event: `before`/`after` hold the changed fields (never secrets).
pub async fn audit(
    db: impl PgExecutor<'_>,
    actor: &Actor,
    action: &str,
    object: (&str, Option<i64>),
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), sqlx::Error> {
    sqlx::query!("insert into audit_event (actor_user_id, actor_label, action, object_type, object_id, before, after)
         values ($1, $2, $3, $4, $5, $6, $7)", actor.user_id.map(|u| u.0), &actor.label, action, object.0, object.1, before, after)
    .execute(db)
    .await?;
    Ok(())
}

/// The fields of `after` that differ from `before` (both serialised), as two JSON objects.
pub fn changed_fields(before: &Value, after: &Value) -> (Value, Value) {
    let (mut old, mut new) = (serde_json::Map::new(), serde_json::Map::new());
    if let (Some(before), Some(after)) = (before.as_object(), after.as_object()) {
        for (key, value) in after {
            if before.get(key) != Some(value) {
                old.insert(key.clone(), before.get(key).cloned().unwrap_or(Value::Null));
                new.insert(key.clone(), value.clone());
            }
        }
    }
    (Value::Object(old), Value::Object(new))
}
