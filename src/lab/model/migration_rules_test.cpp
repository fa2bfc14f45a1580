// Seed 004's hardware migration in the lab model: a spare in factory state, certificate export
// under a passphrase and import, Assign IP, restore refused onto older software or a small disk,
// factory reset.
#include <gtest/gtest.h>

#include "lab/model/model_fixture.hpp"

namespace hitless::lab::testing {
namespace {

LabSpec migration_spec() {
  LabSpec spec = pair_spec();
  spec.clusters[0].kind = ClusterKind::kMigration;
  spec.clusters[0].traffic = TrafficSteering::kNone;
  spec.clusters[0].shared_ip.reset();
  spec.nodes[0].role = "standalone";
  spec.nodes[0].owns_shared_ip = false;
  spec.nodes[1].role = "spare";
  spec.nodes[1].version = "7.0.0";
  spec.nodes[1].data = DataSpec{0, 0, 0, 0, 2000};
  return spec;
}

struct Migration : PairFixture {
  Migration() : PairFixture(migration_spec()) {}
  Node& old_box = a;
  Node& spare = b;
};

TEST(MigrationRules, SpareStartsInFactoryStateWithoutCertificateAndOldBoxHasOne) {
  Migration m;
  EXPECT_TRUE(m.spare.factory_defaults());
  EXPECT_FALSE(m.spare.certificate().has_value());
  EXPECT_EQ(m.spare.store().users(), 0u);
  EXPECT_FALSE(m.old_box.factory_defaults());
  ASSERT_TRUE(m.old_box.certificate().has_value());
  EXPECT_EQ(m.old_box.certificate()->warning(), "");
  EXPECT_EQ(m.old_box.certificate()->assigned_ip, "127.0.0.1");
}

TEST(MigrationRules, CertificateMovesUnderItsPassphraseAndAWrongOneIsRefused) {
  Migration m;
  auto bundle = m.old_box.export_certificate("correct horse battery staple");
  ASSERT_TRUE(bundle.ok()) << bundle.message();
  // The private key is not in the export in the clear.
  const std::string& sk = m.old_box.certificate()->secret_key;
  EXPECT_EQ(bundle->find(catalog::to_base64(sk)), std::string::npos);
  EXPECT_EQ(bundle->find("correct horse"), std::string::npos);

  auto wrong = m.spare.import_certificate(*bundle, "Tr0ub4dor&3");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.code(), NodeErrc::kRefused);
  EXPECT_NE(wrong.message().find("wrong passphrase"), std::string::npos) << wrong.message();
  EXPECT_FALSE(m.spare.certificate().has_value());

  ASSERT_TRUE(m.spare.import_certificate(*bundle, "correct horse battery staple").ok());
  ASSERT_TRUE(m.spare.certificate().has_value());
  EXPECT_EQ(m.spare.certificate()->fingerprint(), m.old_box.certificate()->fingerprint());
  EXPECT_EQ(m.spare.certificate()->assigned_ip, "");
  ASSERT_TRUE(m.spare.assign_certificate_ip("127.0.0.2").ok());
  EXPECT_EQ(m.spare.certificate()->assigned_ip, "127.0.0.2");
  // Exporting does not remove the certificate from the old appliance (seed 004's note).
  EXPECT_TRUE(m.old_box.certificate().has_value());
}

TEST(MigrationRules, DamagedExportIsRefused) {
  Migration m;
  auto bundle = *m.old_box.export_certificate("pass phrase");
  bundle[bundle.find("\"sealed\":\"") + 12] ^= 0x01;
  EXPECT_FALSE(m.spare.import_certificate(bundle, "pass phrase").ok());
  EXPECT_FALSE(m.spare.import_certificate("{}", "pass phrase").ok());
  EXPECT_FALSE(m.old_box.export_certificate("").ok()) << "an empty passphrase is refused";
}

TEST(MigrationRules, AssignIpNeedsACertificate) {
  Migration m;
  auto r = m.spare.assign_certificate_ip("127.0.0.2");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), NodeErrc::kNotFound);
}

TEST(MigrationRules, RestoreIsRefusedOntoOlderSoftwareThanTheBackups) {
  Migration m;
  const std::string backup = m.old_box.store().serialize();  // made by 7.1.0
  auto r = m.spare.restore(backup);                          // spare runs 7.0.0
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), NodeErrc::kRefused);
  EXPECT_NE(r.message().find("install 7.1.0"), std::string::npos) << r.message();
  EXPECT_EQ(m.spare.store().users(), 0u);
  EXPECT_TRUE(m.spare.factory_defaults());
}

TEST(MigrationRules, RestoreOntoTheSameVersionCarriesTheDataAndEndsFactoryState) {
  LabSpec spec = migration_spec();
  spec.nodes[1].version = "7.1.0";
  PairFixture f(spec);
  f.a.put_user("written-before-backup", "admin");
  ASSERT_TRUE(f.b.restore(f.a.store().serialize()).ok());
  EXPECT_EQ(f.b.store().checksum(), f.a.store().checksum());
  EXPECT_FALSE(f.b.factory_defaults());
}

TEST(MigrationRules, RestoreOfMoreDataThanTheDiskHoldsIsRefused) {
  LabSpec spec = migration_spec();
  spec.nodes[1].version = "7.1.0";
  spec.nodes[1].data.disk_mb = 500;  // the old box holds 1000 MB
  PairFixture f(spec);
  auto r = f.b.restore(f.a.store().serialize());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), NodeErrc::kDiskFull);
  EXPECT_EQ(f.b.store().users(), 0u);
}

TEST(MigrationRules, RefusesRestoreFaultRefusesEveryBackup) {
  LabSpec spec = migration_spec();
  spec.nodes[1].version = "7.1.0";
  PairFixture f(spec);
  f.b.inject(Fault::kRefusesRestore);
  EXPECT_FALSE(f.b.restore(f.a.store().serialize()).ok());
}

TEST(MigrationRules, FactoryResetWipesDataCertificateAndCredentialsButKeepsSoftware) {
  Migration m;
  auto s = m.old_box.open_session();
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(m.old_box.factory_reset().ok());
  EXPECT_TRUE(m.old_box.factory_defaults());
  EXPECT_FALSE(m.old_box.certificate().has_value());
  EXPECT_EQ(m.old_box.store().users(), 0u);
  EXPECT_EQ(m.old_box.store().size_mb(), 0);
  EXPECT_EQ(m.old_box.version(), "7.1.0");
  EXPECT_EQ(m.old_box.sessions_open(), 0u);
  ASSERT_TRUE(m.old_box.power(false).ok());
  EXPECT_FALSE(m.old_box.powered());
}

}  // namespace
}  // namespace hitless::lab::testing
