-- label: retention_auc(score, label)
SELECT retention_auc(score, label) FROM auc_bench;
