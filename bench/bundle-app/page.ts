// The page of the minimal app: connect to the runtime in the SharedWorker, run a command,
// follow a stream and the sync status.
import { connectTidelog } from '@tidelog/client/worker';
import { Todo } from './app.js';

const tidelog = await connectTidelog({ name: 'todos', url: '/worker.js', aggregates: [Todo] });
tidelog.subscribe(Todo, 'todo-1', (s) => console.log(s.state));
tidelog.sync.subscribe((status) => console.log(status.state, status.pending));
await tidelog.execute(Todo, 'todo-1', 'create', { title: 'milk' });
