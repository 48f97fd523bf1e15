//! Deploying to the native backend's SQLite database (`serve`, the tests): the same plan, in
//! one transaction.

use pc_worker::Statement;
use pc_worker::native::{Database, DeployBatch};

use super::{Changes, DeployError, Deployed, DeployedUnit, Target};

#[derive(Debug)]
pub struct NativeTarget<'d>(pub &'d Database);

impl Target for NativeTarget<'_> {
    fn deployed(&mut self) -> Result<Deployed, DeployError> {
        let rows = self.0.query(&Statement::new(
            "SELECT unit, hash, kv_keys FROM deploy_units",
            vec![],
        ))?;
        Ok(rows.iter().map(DeployedUnit::from_row).collect())
    }

    fn apply(&mut self, changes: &Changes) -> Result<(), DeployError> {
        let mut kv_put: Vec<(String, String)> = changes
            .links_put
            .iter()
            .map(|e| (e.key.clone(), e.value.clone()))
            .collect();
        kv_put.push((
            "config:build".into(),
            serde_json::json!({ "build_id": changes.build_id }).to_string(),
        ));
        let mut pages = changes
            .pages_put
            .iter()
            .map(|(code, path)| Ok((code.clone(), super::stored_bundle(path)?)));
        self.0.apply_deploy(DeployBatch {
            kv_put: &kv_put,
            kv_delete: &changes.links_delete,
            pages_put: &mut pages,
            pages_delete: &changes.pages_delete,
            sql: &changes.sql,
        })?;
        Ok(())
    }
}
