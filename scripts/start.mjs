// `npm start`: placeholder until apps/server lands (issue: @tidelog/server).
console.error('tidelog: the sync server (apps/server) is not built yet; see README.md "Status".');
process.exit(1);
